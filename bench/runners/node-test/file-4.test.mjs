import { test } from 'node:test';
import { freshDatabase } from '@berth/node-test';
import { fiveTests } from './body.mjs';

fiveTests(test, freshDatabase, 'file-4');
