import { createDb } from './connection';
import { migrateToLatest } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL: required');
  process.exit(1);
}
const db = createDb(url, { max: 1 });
try {
  await migrateToLatest(db);
  console.log('migrations: up to date');
} finally {
  await db.destroy();
}
