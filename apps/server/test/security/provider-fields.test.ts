// The desk shows a provider config field as a secret exactly when the server masks it: the field
// metadata lives in proto, the masking rule (by name) in the server.
import { PROVIDER_FIELDS } from '@baton/proto';
import { describe, expect, it } from 'vitest';
import { isSecretField } from '../../src/secrets.js';

describe('provider config fields', () => {
  it('are masked by the server exactly when the desk shows them as secrets', () => {
    for (const [type, fields] of Object.entries(PROVIDER_FIELDS)) {
      for (const f of fields) expect({ type, key: f.key, masked: isSecretField(f.key) }).toEqual({ type, key: f.key, masked: f.kind === 'secret' });
    }
  });
});
