import { describe, expect, it } from 'vitest';
import { findSecrets, isPlaceholder, maskSecrets } from '../../src/secrets/index.js';

// Near-misses of our own, one per reason the engine leaves a value alone, each beside a value
// of the same shape that is a secret: a reason that also let the secret through would fail.
const RANDOM = 'q8ZrT4vLm2Xw9Kc7Hn3Bd6Fy1Js5Gp0';
const masked = (line: string) => maskSecrets(line).text !== line;

describe('a key is the key it names only as a word of its own', () => {
  it('not the tail of another word (a Maven coordinate holding `webtoken:`)', () => {
    expect(masked('dep = "org.acme.webtoken:core-1.2.3"')).toBe(false);
    expect(masked(`accesstoken: ${RANDOM}`)).toBe(true);
    expect(masked(`webhooksecret: ${RANDOM}`)).toBe(true);
    expect(masked(`authToken=${RANDOM}`)).toBe(true);
    expect(masked(`GITHUBTOKEN=${RANDOM}`)).toBe(true);
    expect(masked(`api.token=${RANDOM}`)).toBe(true);
  });

  it('not a service name inside a word (`okTa` in `bookTab`, `sumO` in `sumOfParts`)', () => {
    const okta = `00${RANDOM}Ab3dE5gH7`;
    expect(okta).toHaveLength(42);
    expect(masked(`bookTab = ${okta}`)).toBe(false);
    expect(masked(`sumOfParts = sua1b2c3d4e5f6`)).toBe(false);
    expect(maskSecrets(`okta: ${okta}`).text).toBe('okta: «masked:okta-access-token»');
    expect(maskSecrets(`SUMO_ID = sua1b2c3d4e5f6`).text).toBe(
      'SUMO_ID = «masked:sumologic-access-id»',
    );
    expect(maskSecrets(`myOkta: ${okta}`).text).toBe('myOkta: «masked:okta-access-token»');
    expect(maskSecrets('DataDog: 0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b').text).toBe(
      'DataDog: «masked:datadog-access-token»',
    );
  });

  it('not a key naming something public or an identifier', () => {
    for (const line of [
      `publicKey = "${RANDOM}"`,
      `public_key: ${RANDOM}`,
      `xsrf_token: ${RANDOM}`,
      `csrf-token=${RANDOM}==`,
      '"object_key": "invoices/2026-11.pdf"',
    ])
      expect(masked(line), line).toBe(false);
    expect(masked(`private_key = "${RANDOM}"`)).toBe(true);
    expect(masked(`signing_key: ${RANDOM}`)).toBe(true);
    // Not a database's primary key: Azure's primary access keys are secrets.
    expect(masked(`primary_access_key = "${RANDOM}"`)).toBe(true);
    expect(masked(`default_primary_key: ${RANDOM}`)).toBe(true);
  });

  it('`:=` is one separator, not `:` then a value `=`', () => {
    expect(masked('apiToken := "')).toBe(false);
    expect(maskSecrets(`apiToken := "${RANDOM}"`).text).toBe(
      'apiToken := "«masked:token-assignment»"',
    );
  });
});

describe('values that are no secret whatever their key says', () => {
  it('a variable named after the key', () => {
    expect(masked('refresh_token=REFRESH_TOKEN')).toBe(false);
    expect(masked('DB_PASSWORD = APP_DB_PASSWORD')).toBe(false);
    expect(masked(`refresh_token=${RANDOM}`)).toBe(true);
  });

  it('a time-based (version 1) UUID, not a random one', () => {
    expect(masked('auth_token: 6a1c2e3c-d3a1-11ef-8c5e-0242ac110004')).toBe(false);
    expect(masked('auth_token: 3f0c5a7e-9b1d-4c2e-8f6a-1d2b3c4d5e6f')).toBe(true);
  });

  it('a URL whose password repeats its user or scheme; any other password is masked', () => {
    expect(findSecrets('CACHE_CREDENTIALS="redis://cache:cache@redis:6379/0"')).toEqual([]);
    expect(findSecrets('broker: amqp://rabbit:amqp@mq:5672')).toEqual([]);
    expect(findSecrets('u=mysql%3A%2F%2Froot%3Aroot%40db%3A3306')).toEqual([]);
    expect(maskSecrets('CACHE_CREDENTIALS="redis://cache:s3cr3t-9Zq@redis:6379/0"').text).toBe(
      'CACHE_CREDENTIALS="redis://cache:«masked:url-password»@redis:6379/0"',
    );
    expect(maskSecrets('u=mysql%3A%2F%2Froot%3AT0p-s3cr3t%40db').text).toBe(
      'u=mysql%3A%2F%2Froot%3A«masked:url-password»%40db',
    );
  });

  it('code, not a value (`secret: new Vault.Client(opts)`)', () => {
    expect(masked('  secret: new Vault.Client(opts)')).toBe(false);
    expect(masked(`  secret: ${RANDOM}`)).toBe(true);
  });

  it('an empty PEM block', () => {
    expect(masked('-----BEGIN RSA PRIVATE KEY----------END RSA PRIVATE KEY-----')).toBe(false);
    expect(masked(`-----BEGIN RSA PRIVATE KEY-----${RANDOM}-----END RSA PRIVATE KEY-----`)).toBe(
      true,
    );
  });
});

describe('filler marks a stand-in in a machine-made value', () => {
  it('in a token: a run of `a`, a body of one character, a unit repeated, a paired alphabet', () => {
    for (const token of [
      `AIzaSyD${'a'.repeat(32)}`,
      `rk_test_${'A'.repeat(20)}`,
      `hf_${'Test'.repeat(8)}Te`,
      'cfut_bBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuU',
    ])
      expect(masked(`using ${token} now`), token).toBe(false);
    for (const token of [
      `AIza${RANDOM}k3Pw`,
      `rk_test_${RANDOM}`,
      `hf_${RANDOM}Tex`,
      `cfut_${RANDOM}bCdDeEfFg`,
    ])
      expect(masked(`using ${token} now`), token).toBe(true);
  });

  it('keeps base64 of zeros inside a token a secret', () => {
    expect(isPlaceholder(`pypi-AgEIcHlwaS5vcmcAAAAAAAAAAAA${RANDOM}`, true)).toBe(false);
    expect(isPlaceholder('////////////', true)).toBe(false);
    // base64 of a 3-byte pattern repeats a unit holding `A` (`AAEAAAEA…`): not filler.
    expect(isPlaceholder(`${RANDOM}${'AbQ'.repeat(5)}`, true)).toBe(false);
    expect(isPlaceholder(`${RANDOM}${'kbQ'.repeat(4)}`, true)).toBe(true);
    expect(isPlaceholder(`${RANDOM}${'kbQ'.repeat(3)}kb`, true)).toBe(false);
  });

  it('in a value assigned to a token or key name, not in a password someone chose', () => {
    expect(masked('SERVICE_TOKEN=svc_1234567890abcdefXYZ')).toBe(false);
    expect(masked('DB_PASSWORD=Tr0ub4dor12345678')).toBe(true);
    expect(masked('connection_string="Server=db;Pwd=Tr0ub4dor12345678"')).toBe(true);
  });

  it('in base64 of a stand-in text, not in base64 of a key', () => {
    const stand = Buffer.from('dummy data, not a key').toString('base64');
    const key = Buffer.from(RANDOM, 'base64').toString('base64');
    expect(masked(`SIGNING_KEY = ${stand}`)).toBe(false);
    expect(masked(`SIGNING_KEY = ${key}`)).toBe(true);
  });

  it('an OpenAI key holds its T3BlbkFJ marker; a sk-proj- run without it is not one', () => {
    const body = `${RANDOM}${RANDOM}${RANDOM}`;
    expect(masked(`using sk-proj-${body} now`)).toBe(false);
    expect(masked(`using sk-proj-${RANDOM}T3BlbkFJ${RANDOM} now`)).toBe(true);
  });
});
