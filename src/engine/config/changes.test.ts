// Configuration change scopes without a database: how scopes group, what a node reloads for them, what is announced,
// and how the cluster's hutong_config payload carries them (kinds only when the keys would not fit, a bare node id
// from an older node meaning `config`).
import { describe, expect, it } from 'vitest';
import { configPayload, readConfigPayload } from '../cluster.js';
import { CONFIG_SCOPE, ConfigChanges, groupScopes, scopeOf, scopeOfEntity } from './changes.js';

describe('configuration change scopes', () => {
  it('names configuration objects by kind and key; the configuration service’s own objects share `config`', () => {
    expect(scopeOf('lookup', 'L1')).toBe('lookup:L1');
    expect(scopeOf('transform')).toBe('transform');
    for (const entity of ['domain', 'system', 'topic', 'subscription']) {
      expect(scopeOfEntity(entity, 'x')).toBe(CONFIG_SCOPE);
    }
    expect(scopeOfEntity('model', 'LabJson')).toBe('model:LabJson');
    expect(scopeOfEntity('endpoint', 'E1')).toBe('endpoint:E1');
  });

  it('groups scopes by kind; a bare kind means all of it and absorbs its keys', () => {
    const groups = groupScopes(['lookup:a', 'lookup:b', 'lookup:a', 'model:M', 'model', 'model:N', 'config', '']);
    expect([...groups.keys()]).toEqual(['lookup', 'model', 'config']);
    expect([...groups.get('lookup')!]).toEqual(['a', 'b']);
    expect(groups.get('model')).toBeNull();
    expect(groups.get('config')).toBeNull();
  });

  it('reloads each registered kind once with its keys, never `config`, and every kind whole for "all"', async () => {
    const changes = new ConfigChanges();
    const calls: [string, readonly string[] | null][] = [];
    changes.register('lookup', (keys) => Promise.resolve(void calls.push(['lookup', keys])));
    changes.register('model', (keys) => Promise.resolve(void calls.push(['model', keys])));
    changes.register(CONFIG_SCOPE, (keys) => Promise.resolve(void calls.push(['config', keys])));
    await changes.reload(['config', 'lookup:a', 'lookup:b', 'endpoint:e', 'model']);
    expect(calls).toEqual([
      ['lookup', ['a', 'b']],
      ['model', null],
    ]);
    calls.length = 0;
    await changes.reload('all');
    expect(calls).toEqual([
      ['lookup', null],
      ['model', null],
    ]);
  });

  it('reloads the other kinds when one fails, then reports the failure', async () => {
    const changes = new ConfigChanges();
    const reloaded: string[] = [];
    changes.register('transform', () => Promise.reject(new Error('database gone')));
    changes.register('lookup', () => Promise.resolve(void reloaded.push('lookup')));
    await expect(changes.reload(['transform:t', 'lookup:l'])).rejects.toThrow('database gone');
    expect(reloaded).toEqual(['lookup']);
  });

  it('announces through the transport once one is set, each scope once', async () => {
    const changes = new ConfigChanges();
    const trx = {} as never;
    await changes.announce(trx, ['lookup:a']); // no transport yet: nothing to do
    const sent: (readonly string[])[] = [];
    changes.useTransport((executor, scopes) => {
      expect(executor).toBe(trx);
      sent.push(scopes);
      return Promise.resolve();
    });
    await changes.announce(trx, ['lookup:a', 'config', 'lookup:a']);
    await changes.announce(trx, []);
    expect(sent).toEqual([['lookup:a', 'config']]);
  });
});

describe('the hutong_config payload', () => {
  it('carries the sender and the scopes, and reads a bare node id as `config`', () => {
    const payload = configPayload('node-1', ['config', 'lookup:L1', 'model:LabJson']);
    expect(payload).toBe('node-1|config,lookup:L1,model:LabJson');
    expect(readConfigPayload(payload)).toEqual({
      sender: 'node-1',
      scopes: ['config', 'lookup:L1', 'model:LabJson'],
    });
    expect(readConfigPayload('node-2')).toEqual({ sender: 'node-2', scopes: ['config'] });
  });

  it('names the kinds only when the keys would not fit in one notification', () => {
    const many = Array.from({ length: 400 }, (_, i) => `lookup:0195f0c2-7a3b-7000-8000-${String(i).padStart(12, '0')}`);
    const payload = configPayload('node-1', ['config', ...many, 'transform:t1']);
    expect(payload.length).toBeLessThan(7000);
    expect(readConfigPayload(payload).scopes).toEqual(['config', 'lookup', 'transform']);
  });
});
