// Skill- and language-based routing, pure. An agent with no skills is a generalist (any skill); an
// agent with no languages speaks them all. Auto-assign picks the least-busy eligible online agent,
// the one who has waited longest since a chat as a tie-break (round robin among equals).

export interface RoutableAgent {
  id: string;
  role: string;
  skills: string[];
  languages: string[];
  status: string;
  maxConcurrent: number;
  activeChats: number;
  lastAssignedAt: number;
}

export interface RoutableConversation {
  skill: string | null;
  language: string;
}

export function speaksAndKnows(agent: Pick<RoutableAgent, 'skills' | 'languages'>, conv: RoutableConversation): boolean {
  const { skills, languages } = routableTo(agent);
  return (skills === null || skills.includes(skillOf(conv))) && (languages === null || languages.includes(conv.language));
}

/** A conversation without a skill is routed as `general`. */
export function skillOf(conv: Pick<RoutableConversation, 'skill'>): string {
  return conv.skill ?? 'general';
}

/**
 * What speaksAndKnows accepts, as lists a query can filter on (the queue list does, in SQL): the skills
 * and languages, or null for any.
 */
export function routableTo(agent: Pick<RoutableAgent, 'skills' | 'languages'>): { skills: string[] | null; languages: string[] | null } {
  return {
    skills: agent.skills.length === 0 || agent.skills.includes('*') ? null : agent.skills,
    languages: agent.languages.length === 0 ? null : agent.languages,
  };
}

export function hasCapacity(agent: Pick<RoutableAgent, 'activeChats' | 'maxConcurrent'>): boolean {
  return agent.activeChats < agent.maxConcurrent;
}

/** Eligible for an offer or an auto-assignment: online, matching, with a free slot. */
export function eligible(agent: RoutableAgent, conv: RoutableConversation): boolean {
  return agent.status === 'online' && speaksAndKnows(agent, conv) && hasCapacity(agent);
}

export function pickAgent<A extends RoutableAgent>(agents: A[], conv: RoutableConversation): A | undefined {
  return agents
    .filter((a) => eligible(a, conv))
    .sort((a, b) => a.activeChats / a.maxConcurrent - b.activeChats / b.maxConcurrent || a.activeChats - b.activeChats || a.lastAssignedAt - b.lastAssignedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
}

/** Percentile (nearest rank) of a list of numbers; null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
