import { describe, expect, it } from 'vitest';
import { interpolateEnv } from '../../../lib/config/env.ts';
import { minimal, parse, parseError, yaml } from './helpers.ts';

const WITH_TOKEN = (token: string): string =>
  yaml(
    'source:',
    '  location: ./gitops',
    `  token: ${token}`,
    'clusters:',
    '  - { name: a, path: ., snapshot: a.yaml }',
  );

describe('${env:…} interpolation', () => {
  it('replaces ${env:NAME} with the variable', () => {
    expect(parse(WITH_TOKEN('${env:GIT_TOKEN}'), { GIT_TOKEN: 'abc' }).source.token).toBe('abc');
  });

  it('replaces references inside a longer string, several per value', () => {
    const config = parse(WITH_TOKEN('"${env:USER_NAME}:${env:PASSWORD}"'), { USER_NAME: 'bot', PASSWORD: 'pw' });

    expect(config.source.token).toBe('bot:pw');
  });

  it('uses the default of ${env:NAME:-default} when the variable is unset or empty', () => {
    expect(parse(WITH_TOKEN('${env:GIT_TOKEN:-fallback}'), {}).source.token).toBe('fallback');
    expect(parse(WITH_TOKEN('${env:GIT_TOKEN:-fallback}'), { GIT_TOKEN: '' }).source.token).toBe('fallback');
    expect(parse(WITH_TOKEN('${env:GIT_TOKEN:-fallback}'), { GIT_TOKEN: 'set' }).source.token).toBe('set');
  });

  it('interpolates before resolving paths, so a variable can give a relative folder', () => {
    const config = parse(
      yaml('source:', '  location: ${env:SRC:-./gitops}', 'clusters:', '  - { name: a, path: ., snapshot: a.yaml }'),
    );

    expect(config.source.location).toBe('/work/configs/gitops');
  });

  it('reports an unset variable without default by config path and variable name', () => {
    const error = parseError(WITH_TOKEN('${env:GIT_TOKEN}'));

    expect(error.message).toBe('driftwatch.yaml:3 source.token: environment variable GIT_TOKEN is not set');
  });

  it('reports an unset variable once, not again as the schema error it causes', () => {
    const error = parseError(minimal('  - { name: "${env:CLUSTER}", path: ., snapshot: a.yaml }'));

    expect(error.message).toBe('driftwatch.yaml:4 clusters[0].name: environment variable CLUSTER is not set');
  });

  it('reports a malformed reference', () => {
    const error = parseError(WITH_TOKEN('"${env:not a name}"'));

    expect(error.message).toBe(
      'driftwatch.yaml:3 source.token: invalid environment reference: write ${env:NAME} or ${env:NAME:-default}',
    );
  });

  it('cannot inject YAML: a value with YAML syntax stays one string', () => {
    const config = parse(
      yaml('source:', '  location: ./gitops', 'clusters:', '  - { name: a, path: ., snapshot: "${env:SNAP}" }'),
      {
        SNAP: 'x.yaml\n    eks: { name: evil, region: r }',
      },
    );

    expect(config.clusters[0]?.access).toStrictEqual({
      type: 'snapshot',
      path: '/work/configs/x.yaml\n    eks: { name: evil, region: r }',
    });
  });

  it('leaves keys, numbers and booleans alone and does not expand a value a second time', () => {
    const result = interpolateEnv(
      { '${env:KEY}': '${env:A}', count: 3, flag: true, list: ['${env:B}'] },
      { A: '${env:B}', B: 'b', KEY: 'k' },
    );

    expect(result).toStrictEqual({
      value: { '${env:KEY}': '${env:B}', count: 3, flag: true, list: ['b'] },
      issues: [],
    });
  });
});
