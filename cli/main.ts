// The `embodied` command line: the composition root. Each file in cli/commands/ adds one
// subcommand through its exported `register(program)`, so parts of the stack plug in without
// editing this file.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Builds the program. Each command lives in cli/commands/<name>.ts; when `only` names one of them
 * just that file is loaded (start-up of `embodied kin` then costs only what kin needs), otherwise
 * every command is registered (help, unknown commands).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('embodied')
    .description('Robot control stack for servo-and-reducer arms: kinematics, dynamics, drives, rosbridge, simulator, web')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride((error) => {
      process.exitCode = error.exitCode;
      throw error;
    });
  const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  let files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  if (only !== undefined && files.includes(`${only}.ts`)) files = [`${only}.ts`];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(commandsDir, file)).href)) as { register?: (p: Command) => void };
    if (typeof module.register === 'function') module.register(program);
  }
  return program;
}

/** Parses process.argv and runs the command; exits non-zero with a one-line message on error. */
export async function main(): Promise<void> {
  const first = process.argv[2];
  const program = await buildProgram(first !== undefined && /^[a-z][a-z-]*$/.test(first) ? first : undefined);
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('commander.')) {
      const code = (error as { exitCode?: number }).exitCode ?? 2;
      process.exit(code === 0 ? 0 : 2);
    }
    process.stderr.write(`embodied: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
