import { describe, expect, it } from 'vitest';
import { cloneSql, type TemplateRecipe } from './clone.js';

const recipe: TemplateRecipe = {
  database: 'berth_template',
  tables: [
    {
      name: 'child',
      ddl: 'CREATE TABLE `child` (`id` int, `parent_id` int, CONSTRAINT `fk` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`))',
      columns: ['id', 'parent_id'],
      hasRows: false,
    },
    {
      name: 'parent',
      ddl: 'CREATE TABLE `parent` (`id` int, `g` int GENERATED ALWAYS AS (`id` * 2) VIRTUAL)',
      columns: ['id'],
      hasRows: true,
    },
  ],
};

describe('cloneSql', () => {
  it('replays the DDL in the new database with foreign key checks off, then copies seed rows (no generated columns)', () => {
    expect(cloneSql(recipe, 'berth_fresh_1').split(';\n')).toEqual([
      'CREATE DATABASE `berth_fresh_1`',
      'USE `berth_fresh_1`',
      'SET @berth_fk = @@foreign_key_checks, foreign_key_checks = 0',
      recipe.tables[0]?.ddl,
      recipe.tables[1]?.ddl,
      'INSERT INTO `berth_fresh_1`.`parent` (`id`) SELECT `id` FROM `berth_template`.`parent`',
      'SET foreign_key_checks = @berth_fk',
    ]);
  });

  it('the LIKE method (kept for the benchmark) copies table by table', () => {
    expect(cloneSql(recipe, 'x', 'like')).toContain('CREATE TABLE `x`.`child` LIKE `berth_template`.`child`');
  });
});
