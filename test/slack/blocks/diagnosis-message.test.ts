import type { types } from '@slack/bolt';
import { diagnosisMessage, SYMPTOM_ACTION_ID } from '../../../src/slack/blocks/diagnosis';
import type { SlackMessage } from '../../../src/slack/blocks/types';
import { timedOutReason } from '../../../src/diagnosis/incomplete';
import {
  cleanReport,
  guestReport,
  incompleteReport,
  live,
  liveFrom,
  networkReport,
  nsgDenies,
} from './scenarios';
import {
  ALL_CAUSES,
  buttons,
  CAUSE_LAYERS,
  check,
  contextTexts,
  expectSlackAccepts,
  fired,
  report,
  RUN_ID,
  sectionTexts,
  seen,
} from './support';

function layerLines(message: SlackMessage): string[] {
  const lines = sectionTexts(message.blocks).find((t) => t.includes('*Machine up and visible*'));
  return lines?.split('\n') ?? [];
}

function symptomSelect(message: SlackMessage): types.StaticSelect | undefined {
  for (const block of message.blocks) {
    if (block.type === 'section' && block.accessory?.type === 'static_select') return block.accessory;
  }
  return undefined;
}

describe('diagnosisMessage: a network-layer verdict (a deny rule, two fixes)', () => {
  const message = diagnosisMessage(liveFrom(networkReport, [], { report: networkReport }));

  it('is accepted by Slack', () => expectSlackAccepts(message));

  it('shows the VM, where it lives, the symptom, the source and who asked', () => {
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🩺 vm-web-01' } });
    expect(contextTexts(message.blocks)[0]).toBe(
      'rg-prod · westeurope · Windows · running · symptom: not given · from 203.0.113.10 · asked by <@U024BE7LH>',
    );
  });

  it('draws one line per layer in path order, naming the failed causes', () => {
    expect(layerLines(message)).toEqual([
      '✅ *Machine up and visible*: clean (1 risk noted below)',
      '❌ *Network path*: A network security group denies the RDP port, Just-In-Time access holds the port shut',
      '➖ *RDP service*: not checked, a session stops at the network path first',
      '➖ *Authentication*: not checked, a session stops at the network path first',
      '➖ *Guest OS state*: not checked, a session stops at the network path first',
    ]);
  });

  it('names the failing layer, the cause in one sentence, its evidence and the command that confirms it', () => {
    const verdict = sectionTexts(message.blocks);
    expect(verdict).toContain(`❌ *Failing layer: Network path*\n${networkReport.verdict.summary}`);
    expect(verdict).toContain(
      '*Evidence*\n' +
        '• rule DenyRdp (priority 100) in vm-web-01-nsg (NIC) denies TCP 3389 from *\n' +
        '• rule AllowRdpOffice (priority 300) comes after it and never takes effect\n' +
        '• IP flow verify: Deny for TCP 203.0.113.10 → 10.0.1.4:3389 by securityRules/DenyRdp\n' +
        '• alice@contoso.com wrote vm-web-01-nsg at 09:12 UTC (Microsoft.Network/networkSecurityGroups/write)',
    );
    expect(verdict).toContain(`*Confirm by hand*\n\`\`\`${nsgDenies.check.confirm}\`\`\``);
    expect(verdict).toContain(
      '*Also failing in this layer*\n• JIT policy default holds TCP 3389 shut and no request is active for 203.0.113.10.',
    );
  });

  it('offers one button per fix of the deciding causes, named for what it does, the first primary', () => {
    const fixButtons = buttons(message);
    expect(fixButtons.map((b) => b.action_id)).toEqual([
      'fix:nsg-allow-rdp-from-source',
      'fix:jit-request-access',
    ]);
    expect(fixButtons.map((b) => b.text.text)).toEqual(['Allow RDP from your address', 'Request JIT access']);
    expect(fixButtons.map((b) => b.style)).toEqual(['primary', undefined]);
    expect(fixButtons.map((b) => JSON.parse(b.value ?? ''))).toEqual([
      { run: RUN_ID, cause: 'nsg-denies-rdp', fix: 'nsg-allow-rdp-from-source' },
      { run: RUN_ID, cause: 'jit-access-not-requested', fix: 'jit-request-access' },
    ]);
  });

  it('shows the risks apart from the verdict, without fix buttons', () => {
    const risks = contextTexts(message.blocks).find((t) => t.includes('Risks, not the outage'));
    expect(risks).toBe(
      '🟡 *Risks, not the outage:* Boot diagnostics are off: no screenshot, no serial console. · ' +
        'The public IP vm-web-01-pip is dynamic: it changes when the VM is deallocated.',
    );
    expect(sectionTexts(message.blocks).join('\n')).not.toContain('public-ip-dynamic');
    expect(buttons(message).map((b) => b.action_id)).not.toContain('fix:make-public-ip-static');
  });

  it('asks what the client showed, since no symptom was given', () => {
    const select = symptomSelect(message);
    expect(select?.action_id).toBe(SYMPTOM_ACTION_ID);
    expect(select?.placeholder?.text).toBe('What did the client show?');
    expect(select?.options?.map((o) => o.value)).toEqual([
      'timeout',
      'refused',
      'credentials',
      'credssp',
      'black-screen',
      'disconnects',
    ]);
  });

  it('ends with the run id, the time it took and where the details are', () => {
    expect(contextTexts(message.blocks).at(-1)).toBe(
      `Run \`${RUN_ID}\` · finished in 41.2 s · every check and the metrics are in the thread`,
    );
  });

  it('says the verdict in the notification text', () => {
    expect(message.text).toBe(`vm-web-01: Network path fails. ${networkReport.verdict.summary}`);
  });
});

describe('diagnosisMessage: a guest-layer verdict with many findings', () => {
  const state = liveFrom(guestReport, [], {
    report: guestReport,
    request: { symptom: 'black-screen', source: null, host: null },
  });
  const message = diagnosisMessage(state);

  it('is accepted by Slack', () => expectSlackAccepts(message));

  it('offers each fix once, in the order the deciding causes propose them, naming the target', () => {
    const fixButtons = buttons(message);
    expect(fixButtons.map((b) => b.action_id)).toEqual([
      'fix:stop-process',
      'fix:restart-vm',
      'fix:logoff-session',
    ]);
    expect(fixButtons.map((b) => b.text.text)).toEqual([
      'Stop w3wp',
      'Restart the VM',
      'Sign off session 2 (alice)',
    ]);
    expect(fixButtons.map((b) => JSON.parse(b.value ?? '').cause)).toEqual([
      'memory-exhausted',
      'memory-exhausted',
      'session-collision',
    ]);
  });

  it('lists the other causes of the layer briefly and sends the rest to the thread', () => {
    const also = sectionTexts(message.blocks).find((t) => t.startsWith('*Also failing in this layer*'));
    expect(also?.split('\n')).toEqual([
      '*Also failing in this layer*',
      '• The CPU has been pinned at 95 % or more for the last 15 minutes.',
      '• The system drive C: has 180 MiB free of 127 GiB (0.1 %).',
      '• Windows is servicing updates and a reboot is pending.',
      '• 2 sessions already hold this machine: a new sign-in collides with them.',
      '• The User Profile Service gave bob a temporary profile.',
      '• …and 1 more in the thread',
    ]);
  });

  it('has no symptom picker once a symptom was given', () => {
    expect(symptomSelect(message)).toBeUndefined();
    expect(contextTexts(message.blocks)[0]).toContain('symptom: black-screen');
  });

  it('gives the advice when the deciding cause has no fix button', () => {
    const diskFirst = { ...guestReport, verdict: { ...guestReport.verdict, causes: ['disk-full' as const] } };
    const diskMessage = diagnosisMessage(liveFrom(diskFirst, [], { report: diskFirst }));
    expect(sectionTexts(diskMessage.blocks)).toContain(
      '*What to do*\nClear space on C: (temp files, old logs, the component store) through Run Command.',
    );
    expect(buttons(diskMessage)).toEqual([]);
  });
});

describe('diagnosisMessage: no failing layer', () => {
  it('says every layer checked clean, with no buttons', () => {
    const message = diagnosisMessage(liveFrom(cleanReport, [], { report: cleanReport }));
    expectSlackAccepts(message);
    expect(layerLines(message).every((line) => line.startsWith('✅'))).toBe(true);
    expect(sectionTexts(message.blocks)).toContain(
      `✅ *No failing layer: every layer checked clean.*\n${cleanReport.verdict.summary}`,
    );
    expect(buttons(message)).toEqual([]);
    expect(seen(message)).not.toContain('Risks, not the outage');
    expect(seen(message)).not.toContain('Could not check');
  });

  it('healthy without an address: says the network was checked for any source and gives the next /rdp', () => {
    const anySource = { ...cleanReport, source: null };
    const message = diagnosisMessage(
      liveFrom(anySource, [], {
        report: anySource,
        request: { symptom: 'unknown', source: null, host: null },
      }),
    );
    expectSlackAccepts(message);
    expect(sectionTexts(message.blocks)).toContainEqual(
      expect.stringMatching(
        /^\*Next step:\* `\/rdp vm-web-01 from &lt;your ip&gt; &lt;symptom&gt;` \(symptom: what the client shows, one of timeout, /,
      ),
    );
    expect(symptomSelect(message)).toBeUndefined();
  });

  it('healthy with the address and the symptom given: no next step, and no symptom select', () => {
    const message = diagnosisMessage(
      liveFrom(cleanReport, [], {
        report: cleanReport,
        request: { symptom: 'timeout', source: '203.0.113.10', host: null },
      }),
    );
    expect(seen(message)).not.toContain('Next step');
    const unknownSymptom = diagnosisMessage(liveFrom(cleanReport, [], { report: cleanReport }));
    expect(symptomSelect(unknownSymptom)).toBeUndefined();
  });

  it('says the diagnosis is incomplete when checks could not run, and groups them by reason', () => {
    const message = diagnosisMessage(liveFrom(incompleteReport, [], { report: incompleteReport }));
    expectSlackAccepts(message);
    expect(layerLines(message)).toEqual([
      '✅ *Machine up and visible*: clean',
      '✅ *Network path*: clean',
      '➖ *RDP service*: not checked, Run Command did not answer within 90 s (the guest agent may be busy)',
      '➖ *Authentication*: not checked, Run Command did not answer within 90 s (the guest agent may be busy)',
      '➖ *Guest OS state*: not checked, Run Command did not answer within 90 s (the guest agent may be busy)',
    ]);
    expect(sectionTexts(message.blocks).join('\n')).toContain(
      '⚠️ *No failing layer found, but the diagnosis is incomplete.*',
    );
    const notChecked = contextTexts(message.blocks).find((t) => t.includes('Could not check'));
    expect(notChecked).toMatch(
      /^⚠️ \*Could not check:\* TermService, listener, .*explorer and dwm crashes \(Run Command did not answer within 90 s \(the guest agent may be busy\)\); CPU \(Azure Monitor answered 429 TooManyRequests\)$/,
    );
    expect(notChecked?.match(/Run Command did not answer/g)).toHaveLength(1);
  });

  it('an incomplete report says what to do next: the console pages, the stuck agent when Run Command timed out, a Re-run button', () => {
    const nextSteps = (message: SlackMessage) =>
      sectionTexts(message.blocks).find((t) => t.startsWith('*Next steps*')) ?? '';
    const message = diagnosisMessage(liveFrom(incompleteReport, [], { report: incompleteReport }));
    expectSlackAccepts(message);
    const vm = incompleteReport.vm.id;
    expect(nextSteps(message)).toContain(
      `• See what the guest shows without the agent: <https://portal.azure.com/#@/resource${vm}/bootDiagnostics|Boot diagnostics> · ` +
        `<https://portal.azure.com/#@/resource${vm}/serialConsole|Serial console>.`,
    );
    expect(nextSteps(message)).toContain('• Re-run the diagnosis');
    expect(nextSteps(message)).not.toContain('stuck');
    const rerun = buttons(message).find((b) => b.action_id === 'rerun-diagnosis');
    expect(rerun?.text.text).toBe('Re-run diagnosis');
    expect(JSON.parse(rerun!.value!)).toEqual({ vm, symptom: 'unknown', from: '203.0.113.10', host: null });

    // The same report, the Run Command having given no answer in time while the agent looked fine: the
    // agent's warning offers the restart next to the Re-run.
    const agentStuck = fired('vm-agent-unhealthy', {
      summary:
        'Run Command on vm-web-01 did not answer though the VM agent reports ready: the agent or Windows is stuck.',
      evidence: ['VM agent status: ready', `guest probe through Run Command: ${timedOutReason(120_000)}`],
      fixes: ['restart-vm'],
      severity: 'warning',
    });
    const timedOut = {
      ...incompleteReport,
      checks: incompleteReport.checks.map((c) =>
        c.id === 'vm-agent-unhealthy'
          ? agentStuck.check
          : c.summary.includes('Run Command did not answer')
            ? { ...c, summary: `Could not check: ${timedOutReason(120_000)}` }
            : c,
      ),
      findings: [...incompleteReport.findings, agentStuck.finding],
    };
    const stuck = diagnosisMessage(liveFrom(timedOut, [], { report: timedOut }));
    expectSlackAccepts(stuck);
    expect(nextSteps(stuck)).toContain('the agent or Windows is stuck');
    expect(nextSteps(stuck)).toContain('restart the agent services (`WindowsAzureGuestAgent`, `RdAgent`)');
    const [restart, again] = buttons(stuck).slice(-2);
    expect([restart.action_id, restart.text.text, again.action_id]).toEqual([
      'fix:restart-vm',
      'Restart the VM',
      'rerun-diagnosis',
    ]);

    // Once a verified restart resolved it, the step says so, without the button, and the Re-run stays.
    const restarted = diagnosisMessage(
      liveFrom(timedOut, [], {
        report: timedOut,
        resolved: [
          {
            cause: 'vm-agent-unhealthy',
            fixTitle: 'Restart the VM',
            approvedBy: 'U0BOB',
            at: '2026-11-27T12:05:00.000Z',
          },
        ],
      }),
    );
    expectSlackAccepts(restarted);
    expect(nextSteps(restarted)).toContain(
      '✅ The stuck agent was resolved by Restart the VM · approved by <@U0BOB> · 12:05 UTC.',
    );
    expect(buttons(restarted).map((b) => b.action_id)).not.toContain('fix:restart-vm');
    expect(buttons(restarted).filter((b) => b.action_id === 'rerun-diagnosis')).toHaveLength(1);

    // Every layer checked clean: none of this.
    const clean = diagnosisMessage(liveFrom(cleanReport, [], { report: cleanReport }));
    expect(nextSteps(clean)).toBe('');
    expect(buttons(clean).some((b) => b.action_id === 'rerun-diagnosis')).toBe(false);
  });
});

describe('diagnosisMessage: a Linux machine', () => {
  it('shows the layers RDP does not reach as not applicable', () => {
    const linux = fired('os-not-windows', {
      summary: 'vm-web-01 runs Linux: RDP does not apply; the network checks ran for port 22.',
      evidence: ['osType: Linux'],
      advice: 'Connect with SSH.',
    });
    const notRdp = ALL_CAUSES.filter((id) => ['service', 'auth', 'guest'].includes(CAUSE_LAYERS[id])).map(
      (id) => ({
        check: check(id, 'skipped', { summary: 'Linux: the RDP service does not apply.' }),
      }),
    );
    const linuxReport = report(
      { layer: 'platform', causes: ['os-not-windows'], summary: linux.check.summary },
      [linux, ...notRdp],
    );
    const message = diagnosisMessage(liveFrom(linuxReport, [], { report: linuxReport }));
    expectSlackAccepts(message);
    expect(layerLines(message)).toEqual([
      '❌ *Machine up and visible*: The VM runs Linux, not Windows',
      '✅ *Network path*: clean',
      '➖ *RDP service*: not applicable: Linux: the RDP service does not apply.',
      '➖ *Authentication*: not applicable: Linux: the RDP service does not apply.',
      '➖ *Guest OS state*: not applicable: Linux: the RDP service does not apply.',
    ]);
    expect(sectionTexts(message.blocks)).toContain('*What to do*\nConnect with SSH.');
  });
});

describe('diagnosisMessage: live, as the run goes', () => {
  it('before the verdict settles: finished layers, spinners for the rest, no verdict, no buttons', () => {
    const message = diagnosisMessage(liveFrom(networkReport, ['platform']));
    expectSlackAccepts(message);
    expect(layerLines(message)).toEqual([
      '✅ *Machine up and visible*: clean (1 risk noted below)',
      '⏳ *Network path*: checking…',
      '⏳ *RDP service*: checking…',
      '⏳ *Authentication*: checking…',
      '⏳ *Guest OS state*: checking…',
    ]);
    expect(seen(message)).not.toContain('Failing layer');
    expect(buttons(message)).toEqual([]);
    expect(symptomSelect(message)).toBeUndefined();
    expect(message.text).toBe('Diagnosing vm-web-01: checking each layer…');
    expect(contextTexts(message.blocks).at(-1)).toBe(
      `Run \`${RUN_ID}\` · started 12:00:00 UTC · this message updates as each layer reports`,
    );
  });

  it('before the machine is located: the target as typed', () => {
    const message = diagnosisMessage(live());
    expectSlackAccepts(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🩺 vm-web-01' } });
    expect(contextTexts(message.blocks)[0]).toBe(
      'vm-web-01 · locating the machine… · symptom: not given · from 203.0.113.10 · asked by <@U024BE7LH>',
    );
  });

  it('as soon as it settles: the verdict and its buttons, and the later layers not reached are not called clean', () => {
    const message = diagnosisMessage(
      liveFrom(networkReport, ['platform', 'network'], {
        settled: networkReport.verdict,
        requestedBy: ['U024BE7LH', 'W0123ABCD'],
      }),
    );
    expectSlackAccepts(message);
    expect(layerLines(message).slice(1)).toEqual([
      '❌ *Network path*: A network security group denies the RDP port, Just-In-Time access holds the port shut',
      '➖ *RDP service*: not checked, a session stops at the network path first',
      '➖ *Authentication*: not checked, a session stops at the network path first',
      '➖ *Guest OS state*: not checked, a session stops at the network path first',
    ]);
    expect(sectionTexts(message.blocks)).toContain(
      `❌ *Failing layer: Network path*\n${networkReport.verdict.summary}`,
    );
    expect(buttons(message).map((b) => b.action_id)).toEqual([
      'fix:nsg-allow-rdp-from-source',
      'fix:jit-request-access',
    ]);
    expect(contextTexts(message.blocks)[0]).toContain('asked by <@U024BE7LH> and <@W0123ABCD>');
    expect(symptomSelect(message)).toBeUndefined();
  });

  it('settled before the findings are known: the check evidence stands in, and no buttons yet', () => {
    const message = diagnosisMessage(
      liveFrom(networkReport, ['platform', 'network'], {
        settled: networkReport.verdict,
        findings: undefined,
      }),
    );
    expectSlackAccepts(message);
    expect(sectionTexts(message.blocks)).toContain(
      `*Evidence*\n• ${nsgDenies.finding.evidence.join('\n• ')}`,
    );
    expect(buttons(message)).toEqual([]);
  });
});

describe('diagnosisMessage: the run failed', () => {
  const failure =
    'Azure denied access (403): give the identity Reader on the subscription. Run `/rdp vm-web-01` again.';
  const message = diagnosisMessage(liveFrom(networkReport, ['platform'], { failure }));

  it('says the diagnosis stopped, what happened and what to do, and no layer is left checking', () => {
    expectSlackAccepts(message);
    expect(sectionTexts(message.blocks)).toContain(`❌ *The diagnosis stopped.* ${failure}`);
    expect(layerLines(message)).toEqual([
      '✅ *Machine up and visible*: clean (1 risk noted below)',
      '➖ *Network path*: not checked',
      '➖ *RDP service*: not checked',
      '➖ *Authentication*: not checked',
      '➖ *Guest OS state*: not checked',
    ]);
    expect(seen(message)).not.toContain('⏳');
    expect(seen(message)).not.toContain('checking');
    expect(message.text).toBe(`vm-web-01: the diagnosis stopped. ${failure}`);
    expect(contextTexts(message.blocks).at(-1)).toBe(`Run \`${RUN_ID}\` · stopped`);
  });

  it('says so before the machine was even found', () => {
    const lost = diagnosisMessage(live({ failure: 'No VM named vm-web-01 in the allowed subscriptions.' }));
    expectSlackAccepts(lost);
    expect(contextTexts(lost.blocks)[0]).toContain('vm-web-01 · machine not located');
    expect(seen(lost)).not.toContain('⏳');
  });
});

describe('diagnosisMessage: text from Azure and from people cannot mention or link', () => {
  const hostile = fired('nsg-denies-rdp', {
    summary: 'Rule <!channel> denies <https://evil.example|click here> & more.',
    evidence: ['<@U999EVIL> wrote the rule', 'see <http://x.example>'],
    fixes: ['nsg-allow-rdp-from-source'],
  });
  const base = report({ layer: 'network', causes: ['nsg-denies-rdp'], summary: hostile.finding.summary }, [
    hostile,
  ]);
  const hostileReport = { ...base, vm: { ...base.vm, name: '<!here>', resourceGroup: '<@U999EVIL>' } };
  const message = diagnosisMessage(
    liveFrom(hostileReport, [], {
      report: hostileReport,
      target: '<!here>',
      requestedBy: ['U024BE7LH', '<!everyone>'],
    }),
  );

  it('escapes every <, > and & in mrkdwn except the requesters’ mentions', () => {
    expectSlackAccepts(message);
    const text = [...sectionTexts(message.blocks), ...contextTexts(message.blocks), message.text].join('\n');
    expect(text.match(/<[^>]*>/g)).toEqual(['<@U024BE7LH>']);
    expect(text).toContain(
      'Rule &lt;!channel&gt; denies &lt;https://evil.example|click here&gt; &amp; more.',
    );
    expect(text).toContain('• &lt;@U999EVIL&gt; wrote the rule');
    expect(text).toContain('&lt;!everyone&gt;');
  });

  it('keeps the name literal in the header, which Slack never parses', () => {
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🩺 <!here>', emoji: true },
    });
  });
});
