import { mysql, startMysql } from '@berth/core/mysql';

export const db = mysql();
export const started = () => startMysql();
