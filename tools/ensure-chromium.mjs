// `npm test`'s first step: the browser suite needs Debian's chromium at /usr/bin/chromium
// (TOOLCHAIN.md). Present: nothing to do. Missing, as root with apt-get: installs it, as .ci/run
// does (about 50 s). Otherwise: says how, and fails before the long unit run.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    process.stderr.write(`npm test: ${CHROMIUM} is missing; install Debian's chromium ("sudo apt-get install -y chromium") for the browser tests\n`);
    process.exit(1);
  }
  process.stderr.write(`npm test: installing Debian's chromium for the browser tests (apt-get, about a minute)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], { stdio: 'inherit', env });
  if (install.status !== 0 || !existsSync(CHROMIUM)) {
    process.stderr.write(`npm test: could not install chromium (apt-get exited with ${install.status}); the browser tests need ${CHROMIUM}\n`);
    process.exit(1);
  }
}
