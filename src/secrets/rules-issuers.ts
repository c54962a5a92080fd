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

function isJsonObject(base64url: string): boolean {
  const text = Buffer.from(base64url, 'base64url').toString('latin1');
  return /^\{[\x20-\x7e\t\r\n]{2,4096}\}$/.test(text);
}

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
    keywords: ['m', 'n', 'o'],
    filterKeywords: discordKeywords,
    pattern:
      /(?<![\w-])([MNO][DTjz][AEIMQUYcgk][w-z0-5][MNO][A-Za-z0-9]{19,21}\.[\w-]{6}\.[\w-]{27,38})(?![\w-])/g,
    source: 'issuer',
  },
  uniqueToken('telegram-bot-token', [':aa'], '\\d{8,10}:AA[\\w-]{33}'),
  // Twilio account SIDs and API key SIDs: AC or SK and 32 hex digits. The keywords hold two
  // of them, so `task` or `ask` in a line does not send it to the slow path.
  {
    ...uniqueToken('twilio-sid', ['ac', 'sk'], '(?:AC|SK)[0-9a-fA-F]{32}'),
    filterKeywords: spelled(['ac', 'sk'], [HEX, HEX]),
  },
  // GitLab's prefixes, each with the length GitLab gives it (detect-secrets' gitlab_token).
  uniqueToken(
    'gitlab-token',
    ['glsoat-', 'gldt-', 'glft-', 'glrt-'],
    '(?:glsoat|gldt|glft|glrt)-[\\w-]{20,50}',
  ),
  uniqueToken('gitlab-token', ['glcbt-'], 'glcbt-(?:[0-9a-fA-F]{1,5}_)?[\\w-]{20,50}'),
  uniqueToken('gitlab-token', ['glimt-'], 'glimt-[\\w-]{25}'),
  uniqueToken('gitlab-token', ['glptt-'], 'glptt-[\\w-]{40}'),
  uniqueToken('gitlab-token', ['glagent-'], 'glagent-[\\w-]{50,1024}'),
  uniqueToken('gitlab-token', ['gloas-'], 'gloas-[\\w-]{64}'),
  uniqueToken('gitlab-rrt', ['gr1348941'], 'GR1348941[\\w-]{20,50}'),
  {
    // Glued to what comes before (`MY_tskey-…`) as secretlint's cases have it: the prefix is
    // distinctive enough to be found anywhere but inside a word.
    id: 'tailscale-key',
    keywords: ['tskey-'],
    pattern: /(?<![A-Za-z])(tskey-[a-z]{2,20}-[0-9A-Za-z_-]{24,200})(?![\w-])/g,
    source: 'issuer',
  },
  uniqueToken(
    'vercel-token',
    ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    'vc[pikar]_[A-Za-z0-9]{24,64}',
  ),
  // Mailchimp keys end in their datacenter: 32 hex digits, `-us` and its number.
  uniqueToken('mailchimp-api-key', spelled(['-us'], ['0123456789']), '[0-9a-f]{32}-us\\d{1,2}'),
  {
    id: 'slack-webhook-url',
    keywords: ['hooks.slack.com'],
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,160}/g,
    source: 'issuer',
  },
  uniqueToken('groq-api-key', ['gsk_'], 'gsk_[a-zA-Z0-9]{52}'),
  uniqueToken(
    'notion-token',
    ['ntn_', 'secret_'],
    '(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})',
  ),
  uniqueToken('figma-token', ['figd_'], 'figd_[A-Za-z0-9_-]{40,200}'),
  uniqueToken('atlassian-token', ['atctt3', 'atatt3'], 'AT[AC]TT3[A-Za-z0-9_=-]{20,250}'),
  uniqueToken('cloudflare-token', ['cfat_', 'cfut_', 'cfk_'], 'cf(?:at|ut|k)_[A-Za-z0-9_-]{40,60}'),
  uniqueToken('vault-token', ['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[\\w-]{24,300}'),
  uniqueToken('linear-api-key', ['lin_api_'], 'lin_api_[a-zA-Z0-9_]{32,128}'),
  uniqueToken('databricks-api-token', ['dapi'], 'dapi[a-fA-F0-9]{32}(?:-\\d)?'),
  uniqueToken('sendgrid-api-token', ['sg.'], 'SG\\.[\\w-]{16,32}\\.[\\w-]{16,64}'),
  uniqueToken('postman-api-token', ['pmak-'], 'PMAK-[A-Za-z0-9]{24}-?[A-Za-z0-9]{34,35}'),
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
  uniqueToken(
    'pypi-token',
    ['pypi-age'],
    'pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[\\w-]{70,1000}',
  ),
  uniqueToken(
    'shopify-token',
    ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    'shp(?:at|ca|pa|ss)_[a-zA-Z0-9]{32,64}',
  ),
  // GitHub's installation tokens in their newer form: `ghs_<id>_` and a JWT.
  uniqueToken(
    'github-app-token',
    ['ghs_'],
    'ghs_\\d{1,12}_eyJ[\\w-]{8,4096}\\.eyJ[\\w-]{4,8192}\\.[\\w-]{0,4096}',
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
    // The header is JSON: a run that only starts like one (`eyJhbasdGciOi…`) is not a JWT.
    validate: (token) => isJsonObject(token.slice(0, token.indexOf('.'))),
  },
];

export const issuerRules: readonly RegexRule[] = rules.map((r) => ({ ...r, source: 'issuer' }));
