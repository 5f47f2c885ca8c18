import { test } from 'bun:test';
import { freshDatabase } from '@berth/bun';
import { fiveTests } from '../node-test/body.mjs';

fiveTests(test, freshDatabase, 'file-1');
