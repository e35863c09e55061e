import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSubmit } from '../../src/cli/submit-command.js';

/** `sika submit --help` in-process: the help text, with its line wrapping undone. */
async function help(): Promise<string> {
  let out = '';
  const program = new Command('sika')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  registerSubmit(program);
  await expect(program.parseAsync(['node', 'sika', 'submit', '--help'])).rejects.toMatchObject({
    code: 'commander.helpDisplayed',
  });
  return out.replace(/\s+/g, ' ');
}

describe('sika submit --help', () => {
  it('states the shortest --reason a resend takes', async () => {
    expect(await help()).toContain(
      '--reason <text> why the refused file is sent again, at least 3 characters (kept in the ' +
        'audit trail)',
    );
  });
});
