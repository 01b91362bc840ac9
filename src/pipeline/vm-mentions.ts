import { parseResourceId } from '../azure/resource-id';
import type { VmIdentity } from '../diagnosis/facts';

// Which machines a message talks about: an alert from monitoring quotes the VM's resource id (often
// inside a portal link), a person names it. Resource ids are taken as written; a bare word counts only
// when it is the name of a machine the identity can see, so nothing here guesses.

export interface VmMentions {
  /** VM resource ids, in the order the text gives them, each once. */
  resourceIds: string[];
  /** Words that could be VM names (Azure's characters and length), each once, lower-cased. */
  words: string[];
}

export interface MentionedVm {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

// Azure's naming rules: a GUID subscription, a resource group of letters, digits and `._()-` (1-90),
// a VM name of letters, digits and `._-` (1-64). Keywords are case-insensitive in ARM.
const VM_RESOURCE_ID =
  /\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourcegroups\/[\p{L}\p{N}._()-]{1,90}\/providers\/microsoft\.compute\/virtualmachines\/[A-Za-z0-9._-]{1,64}/giu;
const WORD = /[A-Za-z0-9][A-Za-z0-9._-]{0,63}/g;
// Slack mrkdwn that names people, channels and groups, not machines: <@U…>, <#C…|name>, <!here>.
const SLACK_REFERENCE = /<[@#!][^>]*>/g;
// Emoji shortcodes (:red_circle:, :+1:) are decoration.
const EMOJI = /:[a-z0-9_+-]+:/g;

/** A VM name cannot end in `.` or `-`: what follows a name at the end of a sentence is punctuation. */
function trimName(text: string): string {
  return text.replace(/[.-]+$/, '');
}

/** Finds VM resource ids and candidate VM names in a message's text (Slack mrkdwn or plain). */
export function findVmMentions(text: string): VmMentions {
  // Portal and alert links often carry the id percent-encoded.
  const decoded = text.replace(SLACK_REFERENCE, ' ').replace(EMOJI, ' ').replace(/%2f/gi, '/');
  const resourceIds: string[] = [];
  const seenIds = new Set<string>();
  for (const match of decoded.matchAll(VM_RESOURCE_ID)) {
    const id = trimName(match[0]);
    if (seenIds.has(id.toLowerCase())) continue;
    seenIds.add(id.toLowerCase());
    resourceIds.push(id);
  }
  const rest = decoded.replace(VM_RESOURCE_ID, ' ');
  const words: string[] = [];
  for (const match of rest.matchAll(WORD)) {
    const word = trimName(match[0]).toLowerCase();
    if (word && !words.includes(word)) words.push(word);
  }
  return { resourceIds, words };
}

/**
 * The machines a message names: every resource id it quotes, then every visible machine whose name is one
 * of its words (all of them when several machines share the name). Each machine once, in that order.
 */
export function mentionedVms(mentions: VmMentions, visible: readonly VmIdentity[]): MentionedVm[] {
  const found = new Map<string, MentionedVm>();
  for (const resourceId of mentions.resourceIds) {
    const id = parseResourceId(resourceId);
    if (!id) continue;
    const known = visible.find((vm) => vm.id.toLowerCase() === resourceId.toLowerCase());
    found.set(resourceId.toLowerCase(), {
      id: known?.id ?? resourceId,
      name: known?.name ?? id.name,
      resourceGroup: known?.resourceGroup ?? id.resourceGroup,
      subscriptionId: known?.subscriptionId ?? id.subscriptionId.toLowerCase(),
    });
  }
  for (const word of mentions.words) {
    for (const vm of visible) {
      if (vm.name.toLowerCase() !== word || found.has(vm.id.toLowerCase())) continue;
      found.set(vm.id.toLowerCase(), {
        id: vm.id,
        name: vm.name,
        resourceGroup: vm.resourceGroup,
        subscriptionId: vm.subscriptionId,
      });
    }
  }
  return [...found.values()];
}
