import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { declarationPath, generateValidator, STANDALONE_VALIDATORS } from '../../../bin/generate-validators.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('the standalone validators are what their schemas compile to', () => {
  test.each(STANDALONE_VALIDATORS.map((validator) => [validator.module, validator] as const))(
    '%s (else: npm run generate:validators)',
    (_module, validator) => {
      const generated = generateValidator(validator, ROOT);
      expect(readFileSync(join(ROOT, validator.module), 'utf8')).toBe(generated.module);
      expect(readFileSync(join(ROOT, declarationPath(validator.module)), 'utf8')).toBe(generated.declaration);
    },
  );
});
