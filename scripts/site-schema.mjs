// `node scripts/site-schema.mjs` (after `npm run build`): writes schema/site-status.schema.json,
// the JSON Schema of the status site's status.json. A test checks the file is current.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE_STATUS_SCHEMA_FILE, siteStatusSchema } from '../dist/site/status-json.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await writeFile(path.join(root, SITE_STATUS_SCHEMA_FILE), siteStatusSchema());
console.log(SITE_STATUS_SCHEMA_FILE);
