/**
 * Tokens whose shape names their issuer (a prefix, a fixed structure) in the forms the public
 * detector suites hold and gitleaks' default rules miss: Slack tokens of every prefix and length,
 * Discord and Telegram bot tokens, Twilio SIDs and keys, the GitLab prefixes, Tailscale, Groq,
 * Notion, Figma, Atlassian, Vault recovery tokens, unsigned JWTs. Shapes follow the rules of
 * secretlint (packages/@secretlint/secretlint-rule-*, MIT), trufflehog (pkg/detectors, AGPL:
 * shapes only, no code) and detect-secrets (detect_secrets/plugins, Apache-2.0); the corpus
 * they are measured on is test/fixtures/secrets/public-corpora.tsv. Every rule needs a literal
 * keyword for the line filter; where a token has none, the keywords spell the few ways its
 * fixed structure can begin (see discordKeywords), so lines without one still cost nothing.
 */
import { type RegexRule, uniqueToken } from './rule.js';

/** `prefix` followed by `n` more characters of `alphabet`, every way: keywords for a shape. */
function spelled(prefixes: readonly string[], alphabets: readonly string[]): string[] {
  let out = [...prefixes];
  for (const alphabet of alphabets) out = out.flatMap((p) => [...alphabet].map((c) => p + c));
  return out;
}

const HEX = '0123456789abcdef';

/**
 * A Discord bot token starts with the base64 of a numeric user id: the first four characters
 * of base64 over ASCII digits can only be these (lower-cased for the case-blind filter). Four,
 * not five: each more multiplies the filter's table (its build is paid on every ingest).
 */
const discordKeywords = spelled(['m', 'n', 'o'], ['dtjz', 'aeimquycgk', 'wxyz012345']);

const rules: RegexRule[] = [
  uniqueToken(
    'slack-token',
    ['xoxa-', 'xoxb-', 'xoxe-', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-'],
    'xox[abeoprs]-(?:\\d-)?\\d{8,13}(?:-[0-9A-Za-z]{4,64}){1,4}',
  ),
  {
    id: 'discord-bot-token',
    keywords: discordKeywords,
    pattern:
      /(?<![\w-])([MNO][DTjz][AEIMQUYcgk][w-z0-5][MNO][A-Za-z0-9]{19,22}\.[\w-]{6}\.[\w-]{27,38})(?![\w-])/g,
    source: 'issuer',
  },
  uniqueToken('telegram-bot-token', [':aa'], '\\d{8,10}:AA[\\w-]{33}'),
  // Twilio account SIDs and API key SIDs: AC or SK and 32 hex digits. The keywords hold two
  // of them, so `task` or `ask` in a line does not send it to the slow path.
  uniqueToken('twilio-sid', spelled(['ac', 'sk'], [HEX, HEX]), '(?:AC|SK)[0-9a-fA-F]{32}'),
  uniqueToken(
    'gitlab-token',
    ['glsoat-', 'glcbt-', 'glptt-', 'gloas-', 'glimt-', 'glagent-', 'glffct-', 'gldt-', 'glft-'],
    'gl(?:soat|cbt|ptt|oas|imt|agent|ffct|dt|ft)-[\\w-]{20,80}(?:\\.[\\w-]{2,12})?',
  ),
  uniqueToken('gitlab-rrt', ['gr1348941'], 'GR1348941[\\w-]{20,80}'),
  uniqueToken(
    'tailscale-key',
    ['tskey-'],
    'tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}',
  ),
  uniqueToken('groq-api-key', ['gsk_'], 'gsk_[a-zA-Z0-9]{52}'),
  uniqueToken(
    'notion-token',
    ['ntn_', 'secret_'],
    '(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})',
  ),
  uniqueToken('figma-token', ['figd_'], 'figd_[A-Za-z0-9_-]{40,200}'),
  uniqueToken('atlassian-token', ['atctt3', 'atatt3'], 'AT[AC]TT3[A-Za-z0-9_=-]{20,250}'),
  uniqueToken('cloudflare-token', ['cfat_', 'cfut_'], 'cf[au]t_[A-Za-z0-9_-]{40,60}'),
  uniqueToken('vault-token', ['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[\\w-]{24,300}'),
  uniqueToken('linear-api-key', ['lin_api_'], 'lin_api_[a-zA-Z0-9_]{32,128}'),
  uniqueToken('databricks-api-token', ['dapi'], 'dapi[a-fA-F0-9]{32}(?:-\\d)?'),
  uniqueToken('sendgrid-api-token', ['sg.'], 'SG\\.[\\w-]{16,32}\\.[\\w-]{16,64}'),
  uniqueToken('postman-api-token', ['pmak-'], 'PMAK-[A-Za-z0-9]{24}-?[A-Za-z0-9]{34}'),
  uniqueToken('pulumi-api-token', ['pul-'], 'pul-[a-z0-9]{40}'),
  uniqueToken('rubygems-api-token', ['rubygems_'], 'rubygems_[a-z0-9]{48}'),
  uniqueToken(
    'new-relic-key',
    ['nrak-', 'nrjs-', 'nrii-', 'nriq-', 'nrra-'],
    'NR(?:AK|JS|II|IQ|RA)-[A-Za-z0-9_-]{19,40}',
  ),
  uniqueToken('portainer-token', ['ptr_'], 'ptr_[A-Za-z0-9_-]{32,64}'),
  uniqueToken(
    'square-token',
    ['sq0', 'eaaa'],
    '(?:(?:sandbox-)?sq0[a-z]{3}-[\\w-]{22,64}|EAAA[\\w=-]{22,80})',
  ),
  uniqueToken('pypi-token', ['pypi-age'], 'pypi-AgE[\\w-]{50,1000}'),
  uniqueToken(
    'shopify-token',
    ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    'shp(?:at|ca|pa|ss)_[a-zA-Z0-9]{32}',
  ),
  uniqueToken('anthropic-api-key', ['sk-ant-'], 'sk-ant-[a-z]{3,6}\\d\\d-[\\w-]{80,128}AA'),
  // JWTs signed or not: a base64url JSON header and payload (`eyJ…`), then a signature that may
  // be empty (alg none), short, padded or missing altogether.
  {
    id: 'jwt',
    keywords: ['eyj'],
    pattern:
      /(?<![\w-])(eyJ[\w-]{8,4096}={0,2}\.eyJ[\w-]{4,8192}={0,2}(?:\.(?:[\w-]{1,4096}={0,2})?)?)(?![\w.-])/g,
    source: 'issuer',
  },
];

export const issuerRules: readonly RegexRule[] = rules.map((r) => ({ ...r, source: 'issuer' }));
