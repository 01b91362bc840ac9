import { FixFailure } from '../../src/fixes/fix';
import { scriptResult } from '../../src/fixes/guest-script';
import { runCommandResult } from './support';

describe('scriptResult', () => {
  it("returns the script's message when it succeeded", () => {
    expect(
      scriptResult(
        'start-termservice',
        runCommandResult('{"ok":true,"message":"TermService is running."}\r\n'),
      ),
    ).toBe('TermService is running.');
  });

  it('finds the result line among warnings and a byte-order mark', () => {
    const stdout = '\uFEFFWARNING: something noisy\r\n{"ok":true,"message":"Enabled."}\r\n\r\n';
    expect(scriptResult('enable-rdp-firewall-rules', runCommandResult(stdout))).toBe('Enabled.');
  });

  it("fails with the script's own words when it declines", () => {
    const result = runCommandResult('{"ok":false,"message":"Session 3 is gone; nothing was signed off."}');
    expect(() => scriptResult('logoff-session', result)).toThrow(
      new FixFailure(
        'logoff-session did not complete inside Windows: Session 3 is gone; nothing was signed off.',
      ),
    );
  });

  it('fails as unreadable, quoting the error output, when no result was printed', () => {
    const result = runCommandResult('', "Cannot validate argument on parameter 'UserName'.\r\n   at line 7");
    expect(() => scriptResult('unlock-account', result)).toThrow(
      new FixFailure(
        "unlock-account printed no result, so its output cannot say whether it changed anything; its error output says: Cannot validate argument on parameter 'UserName'. at line 7",
      ),
    );
    expect(() => scriptResult('unlock-account', result)).toThrow(
      expect.objectContaining({ output: 'unreadable' }),
    );
  });

  it('does not take a JSON line of another shape for the result', () => {
    expect(() => scriptResult('reset-rdp-port', runCommandResult('{"status":"ok"}'))).toThrow(FixFailure);
  });
});
