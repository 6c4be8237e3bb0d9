// `npm run readme:cli`: writes the command-line reference into README.md (see lib/cli/reference.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withReference } from '../lib/cli/reference';

const readme = path.join(__dirname, '..', 'README.md');
fs.writeFileSync(readme, withReference(fs.readFileSync(readme, 'utf8')));
