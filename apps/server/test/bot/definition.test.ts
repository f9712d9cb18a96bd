// The bot definition format: the demo bot is valid; every kind of problem comes with its path.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { botDefinitionJsonSchema, parseBotDefinition } from '../../src/domain/bot/definition.js';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-bot.yaml', import.meta.url));
const demo = fs.readFileSync(demoPath, 'utf8');
const mutate = (fn: (d: any) => void) => {
  const d = parse(demo);
  fn(d);
  return stringify(d);
};
const paths = (src: string, format: 'yaml' | 'json' = 'yaml') => {
  const r = parseBotDefinition(src, format);
  return r.ok ? [] : r.problems.map((p) => p.path);
};

describe('bot definition', () => {
  it('accepts the demo bot, in YAML and in JSON', () => {
    const r = parseBotDefinition(demo);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.definition.languages).toEqual(['en', 'nl', 'fr']);
    expect(parseBotDefinition(JSON.stringify(parse(demo)), 'json').ok).toBe(true);
  });

  it('points at a missing translation', () => {
    expect(paths(mutate((d) => delete d.dialogs.welcome.steps[0].message.text.nl))).toEqual(['dialogs.welcome.steps.0.message.text.nl']);
  });

  it('requires the system dialogs and valid references', () => {
    expect(paths(mutate((d) => delete d.dialogs.offloading_closed))).toContain('dialogs.offloading_closed');
    expect(paths(mutate((d) => (d.intents.greeting.dialog = 'nowhere')))).toEqual(['intents.greeting.dialog']);
    expect(paths(mutate((d) => (d.dialogs.welcome.steps[0].message.buttons[0].goto = 'nowhere')))).toEqual(['dialogs.welcome.steps.0.message.buttons.0.goto']);
    expect(paths(mutate((d) => (d.defaultLanguage = 'de')))).toEqual(['defaultLanguage']);
    expect(paths(mutate((d) => (d.intents.thanks.phrases.fr = [])))).toContain('intents.thanks.phrases.fr');
  });

  it('reports shape errors with their path', () => {
    expect(paths(mutate((d) => (d.dialogs.address_change.steps[2].question.type = 'colour')))).toEqual(['dialogs.address_change.steps.2.question.type']);
    expect(paths(mutate((d) => (d.nlu.threshold = 3)))).toEqual(['nlu.threshold']);
    expect(paths(mutate((d) => (d.unknownField = 1)))).toEqual(['']);
    expect(paths(mutate((d) => d.dialogs.thanks.steps.push({ dance: true })))).toEqual(['dialogs.thanks.steps.1']);
  });

  it('explains a YAML syntax error with its line', () => {
    const r = parseBotDefinition('name: x\n  bad: [indent\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/line \d+/);
    expect(parseBotDefinition('{', 'json').ok).toBe(false);
  });

  it('exports a JSON Schema for editors, and docs/bot-definition.schema.json is current', () => {
    const schema = botDefinitionJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'languages', 'intents', 'dialogs']));
    const file = fileURLToPath(new URL('../../../../docs/bot-definition.schema.json', import.meta.url));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(schema)));
  });
});
