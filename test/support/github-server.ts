/**
 * A fake GitHub REST API on 127.0.0.1 for tests.
 *
 * It keeps issues and comments in memory and checks every request it receives
 * and every response it sends against GitHub's published OpenAPI description
 * (@octokit/openapi). A request the real API would reject gets the real API's
 * status and is recorded in `violations`; a response that does not match the
 * description is a bug in this fake and is recorded too. Tests assert that
 * `violations` is empty, so every call runlog makes conforms to the contract.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Violation {
  method: string;
  path: string;
  /** `request`: the real API would reject it; `response`: the fake answered off-contract; `route`: not an endpoint we implement. */
  kind: 'request' | 'response' | 'route';
  message: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The parsed JSON body, if any. The Authorization header is never recorded. */
  body?: unknown;
}

export interface FailSpec {
  status: 401 | 403 | 404 | 408 | 422 | 500 | 502 | 503;
  message?: string;
  headers?: Record<string, string>;
  /** Only requests with this method (e.g. 'POST') count and fail; others pass. */
  method?: string;
}

export interface RateLimitSpec {
  remaining: 0;
  /** Primary limit: when the window resets (x-ratelimit-reset). */
  resetInSec: number;
  /** Secondary (abuse) limit: 403 with retry-after instead of the primary headers. */
  secondary?: boolean;
  retryAfterSec?: number;
}

export interface FakeGitHubOptions {
  /** The token clients must present (`Authorization: token|Bearer <token>`). */
  token?: string;
  /** Repositories that exist, as `owner/name`. Others answer 404. */
  repos?: string[];
  /** The login of the authenticated user. */
  login?: string;
  /** Listen on this port (0: random). */
  port?: number;
}

export interface FakeIssue {
  repo: string;
  data: JsonObject;
}

export interface FakeGitHub {
  /** API base URL, e.g. http://127.0.0.1:43121 (what Octokit calls baseUrl). */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly issues: FakeIssue[];
  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  comments(issueNumber: number, repo?: string): JsonObject[];
  /** Seeds an issue directly (no request, no validation), e.g. one opened by a person. */
  seedIssue(input: {
    repo?: string;
    title: string;
    body?: string;
    state?: 'open' | 'closed';
    labels?: string[];
  }): JsonObject;
  /** Seeds a comment directly, e.g. an earlier runlog comment or a person's reply. */
  seedComment(issueNumber: number, body: string, repo?: string): JsonObject;
  /** The next `n` requests answer `spec.status` with a GitHub-shaped error body. */
  failNext(n: number, spec: FailSpec): void;
  /** Until the window passes, requests answer 403 as GitHub does when rate limited. */
  rateLimit(spec: RateLimitSpec): void;
  /** Empties `violations` and returns what it held (for tests that provoke one on purpose). */
  takeViolations(): Violation[];
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`. */
  start(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const SCHEMA_ID = 'https://runlog.test/github-openapi.json';
const MAX_BODY = 65536;

// ---------------------------------------------------------------------------
// The contract: the operations we use, from GitHub's OpenAPI 3.0 description.
// ---------------------------------------------------------------------------

interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  pathParams: ValidateFunction;
  queryParams: ValidateFunction;
  body?: { required: boolean; validate: ValidateFunction };
  responses: Map<number, ValidateFunction | null>;
}

interface Contract {
  operations: Operation[];
  basicError: ValidateFunction;
}

const USED: Array<[string, string]> = [
  ['post', '/repos/{owner}/{repo}/issues'],
  ['get', '/repos/{owner}/{repo}/issues'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['patch', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['get', '/user'],
  ['get', '/rate_limit'],
];

/** Annotations and vendor extensions that JSON Schema validation does not need. */
const DROPPED = new Set([
  'description',
  'title',
  'example',
  'examples',
  'discriminator',
  'externalDocs',
  'deprecated',
  'readOnly',
  'writeOnly',
  'default',
  'xml',
]);

let contractCache: Contract | undefined;

function loadContract(): Contract {
  if (contractCache) return contractCache;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;

  const pointer = (ref: string): Json => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: Json = spec;
    for (const part of ref.slice(2).split('/'))
      node = (node as JsonObject)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`dangling $ref ${ref}`);
    return node;
  };
  // Parameters, responses and headers are referenced too; those are inlined, schemas stay refs.
  const deref = (node: Json): JsonObject => {
    let cur = node as JsonObject;
    while (typeof cur.$ref === 'string') cur = pointer(cur.$ref) as JsonObject;
    return cur;
  };

  const definitions: Record<string, Json> = {};
  const pending: string[] = [];
  const convert = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(convert);
    if (node === null || typeof node !== 'object') return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED.has(key) || key.startsWith('x-') || key === 'nullable') continue;
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (name === value) throw new Error(`unexpected schema $ref ${value}`);
        if (!(name in definitions) && !pending.includes(name)) pending.push(name);
        out.$ref = `${SCHEMA_ID}#/definitions/${name}`;
      } else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
        out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
      } else if (key === 'oneOf') {
        // GitHub's description uses oneOf for alternatives that overlap (a private
        // user is also a valid public user; null matches several nullable branches),
        // so exclusive matching would reject real responses.
        out.anyOf = convert(value);
      } else {
        out[key] = convert(value);
      }
    }
    if ((node as JsonObject).nullable !== true) return out;
    // OpenAPI 3.0 `nullable` has no JSON Schema keyword: widen the type, or wrap.
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  };

  const ajv = new Ajv({ strict: false, allErrors: true });
  const paramsAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
  for (const a of [ajv, paramsAjv]) {
    addFormats(a);
    a.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    a.addFormat('timestamp', true);
  }

  const paths = spec.paths as JsonObject;
  const compiledOps: Array<
    Omit<Operation, 'pathParams' | 'queryParams' | 'body' | 'responses'> & {
      path: JsonObject;
      query: JsonObject;
      queryRequired: string[];
      body?: { required: boolean; schema: Json };
      responses: Map<number, Json | null>;
    }
  > = [];
  for (const [method, template] of USED) {
    const op = (paths[template] as JsonObject)[method] as JsonObject;
    const path: JsonObject = {};
    const query: JsonObject = {};
    const queryRequired: string[] = [];
    for (const raw of (op.parameters as Json[] | undefined) ?? []) {
      const p = deref(raw);
      const schema = convert(p.schema as Json);
      if (p.in === 'path') path[p.name as string] = schema;
      if (p.in === 'query') {
        query[p.name as string] = schema;
        if (p.required === true) queryRequired.push(p.name as string);
      }
    }
    let body: { required: boolean; schema: Json } | undefined;
    if (op.requestBody) {
      const rb = deref(op.requestBody);
      const content = rb.content as JsonObject;
      body = {
        required: rb.required === true,
        schema: convert((content['application/json'] as JsonObject).schema as Json),
      };
    }
    const responses = new Map<number, Json | null>();
    for (const [status, raw] of Object.entries(op.responses as JsonObject)) {
      const r = deref(raw);
      const content = r.content as JsonObject | undefined;
      const json = content?.['application/json'] as JsonObject | undefined;
      responses.set(Number(status), json ? convert(json.schema as Json) : null);
    }
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
    compiledOps.push({
      id: op.operationId as string,
      method: method.toUpperCase(),
      template,
      pattern,
      path,
      query,
      queryRequired,
      body,
      responses,
    });
  }
  const basicErrorSchema = convert({ $ref: '#/components/schemas/basic-error' });
  while (pending.length > 0) {
    const name = pending.shift() as string;
    definitions[name] = null;
    definitions[name] = convert(pointer(`#/components/schemas/${name}`));
  }
  ajv.addSchema({ $id: SCHEMA_ID, definitions });

  const objectSchema = (properties: JsonObject, required: string[]) => ({
    type: 'object',
    properties,
    required,
    additionalProperties: false,
  });
  const operations: Operation[] = compiledOps.map((op) => ({
    id: op.id,
    method: op.method,
    template: op.template,
    pattern: op.pattern,
    pathParams: paramsAjv.compile(objectSchema(op.path, Object.keys(op.path))),
    queryParams: paramsAjv.compile(objectSchema(op.query, op.queryRequired)),
    body: op.body ? { required: op.body.required, validate: ajv.compile(op.body.schema as object) } : undefined,
    responses: new Map(
      [...op.responses].map(([status, schema]) => [status, schema === null ? null : ajv.compile(schema as object)]),
    ),
  }));
  contractCache = { operations, basicError: ajv.compile(basicErrorSchema as object) };
  return contractCache;
}

const describeErrors = (validate: ValidateFunction): string =>
  (validate.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    )
    .join('; ');

// ---------------------------------------------------------------------------
// Wire objects, shaped as the real API returns them.
// ---------------------------------------------------------------------------

const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function simpleUser(api: string, web: string, login: string, id: number): JsonObject {
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${login}`,
    html_url: `${web}/${login}`,
    followers_url: `${api}/users/${login}/followers`,
    following_url: `${api}/users/${login}/following{/other_user}`,
    gists_url: `${api}/users/${login}/gists{/gist_id}`,
    starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${login}/subscriptions`,
    organizations_url: `${api}/users/${login}/orgs`,
    repos_url: `${api}/users/${login}/repos`,
    events_url: `${api}/users/${login}/events{/privacy}`,
    received_events_url: `${api}/users/${login}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

interface Pending {
  n: number;
  spec: FailSpec;
}

interface Limit {
  until: number;
  reset: number;
  secondary: boolean;
  retryAfterSec?: number;
}

class HttpFailure {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
    readonly violation?: string,
  ) {}
}

class FakeGitHubServer implements FakeGitHub {
  readonly token: string;
  readonly issues: FakeIssue[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  private readonly repos: Set<string>;
  private readonly login: string;
  private readonly commentsByIssue = new Map<string, JsonObject[]>();
  private readonly labelIds = new Map<string, number>();
  private nextId = 1000;
  private failures: Pending[] = [];
  private limit: Limit | undefined;
  private server: Server | undefined;
  private boundPort = 0;
  private readonly contract: Contract;

  constructor(opts: FakeGitHubOptions) {
    this.token = opts.token ?? 'ghp_fakeTokenForTests0000000000000000000';
    this.repos = new Set((opts.repos ?? ['octo-org/hello']).map((r) => r.toLowerCase()));
    this.login = opts.login ?? 'runlog-bot';
    this.boundPort = opts.port ?? 0;
    this.contract = loadContract();
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  private get web(): string {
    return `${this.url}/web`;
  }

  comments(issueNumber: number, repo?: string): JsonObject[] {
    return this.commentsByIssue.get(`${this.repoKey(repo)}#${issueNumber}`) ?? [];
  }

  seedIssue(input: {
    repo?: string;
    title: string;
    body?: string;
    state?: 'open' | 'closed';
    labels?: string[];
  }): JsonObject {
    const repo = this.repoKey(input.repo);
    const issue = this.makeIssue(repo, input.title, input.body ?? null, input.labels ?? []);
    if (input.state === 'closed') {
      issue.state = 'closed';
      issue.closed_at = isoNow();
      issue.state_reason = 'completed';
    }
    return issue;
  }

  seedComment(issueNumber: number, body: string, repo?: string): JsonObject {
    const key = this.repoKey(repo);
    const issue = this.findIssue(key, issueNumber);
    if (!issue) throw new Error(`seedComment: no issue #${issueNumber} in ${key}`);
    return this.makeComment(key, issue, body);
  }

  failNext(n: number, spec: FailSpec): void {
    this.failures.push({ n, spec });
  }

  rateLimit(spec: RateLimitSpec): void {
    const now = Date.now();
    const reset = Math.ceil((now + spec.resetInSec * 1000) / 1000);
    const until = spec.secondary ? now + (spec.retryAfterSec ?? spec.resetInSec) * 1000 : reset * 1000;
    this.limit = { until, reset, secondary: spec.secondary === true, retryAfterSec: spec.retryAfterSec };
  }

  takeViolations(): Violation[] {
    return this.violations.splice(0, this.violations.length);
  }

  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push({
          method: req.method ?? '?',
          path: req.url ?? '?',
          kind: 'response',
          message: `fake crashed: ${String(err)}`,
        });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: 'Server Error' }));
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets from fetch would otherwise hold the port open.
      server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------

  private repoKey(repo?: string): string {
    return (repo ?? [...this.repos][0]).toLowerCase();
  }

  private findIssue(repo: string, number: number): JsonObject | undefined {
    return this.issues.find((i) => i.repo === repo && i.data.number === number)?.data;
  }

  private labelObject(repo: string, name: string): JsonObject {
    const key = `${repo}:${name.toLowerCase()}`;
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.labelIds.set(key, id);
    }
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.url}/repos/${repo}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null,
    };
  }

  private makeIssue(repo: string, title: string, body: string | null, labels: string[]): JsonObject {
    const number = this.issues.filter((i) => i.repo === repo).length + 1;
    const id = this.nextId++;
    const now = isoNow();
    const api = `${this.url}/repos/${repo}/issues/${number}`;
    const data: JsonObject = {
      id,
      node_id: `I_${id}`,
      url: api,
      repository_url: `${this.url}/repos/${repo}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `${this.web}/${repo}/issues/${number}`,
      number,
      state: 'open',
      state_reason: null,
      title,
      body,
      user: simpleUser(this.url, this.web, this.login, 1),
      labels: labels.map((name) => this.labelObject(repo, name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: null,
      created_at: now,
      updated_at: now,
      author_association: 'OWNER',
    };
    this.issues.push({ repo, data });
    return data;
  }

  private makeComment(repo: string, issue: JsonObject, body: string): JsonObject {
    const id = this.nextId++;
    const now = isoNow();
    const comment: JsonObject = {
      id,
      node_id: `IC_${id}`,
      url: `${this.url}/repos/${repo}/issues/comments/${id}`,
      html_url: `${issue.html_url as string}#issuecomment-${id}`,
      issue_url: issue.url,
      body,
      user: simpleUser(this.url, this.web, this.login, 1),
      created_at: now,
      updated_at: now,
      author_association: 'OWNER',
    };
    const key = `${repo}#${issue.number as number}`;
    const list = this.commentsByIssue.get(key) ?? [];
    list.push(comment);
    this.commentsByIssue.set(key, list);
    issue.comments = list.length;
    issue.updated_at = now;
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', this.url);
    const path = parsed.pathname;
    const query = Object.fromEntries(parsed.searchParams);
    const raw = await readBody(req);
    const record: RecordedRequest = { method, path, query, status: 0 };
    this.requests.push(record);

    const send = (op: Operation | undefined, status: number, body: Json, headers: Record<string, string> = {}) => {
      record.status = status;
      this.checkResponse(op, method, path, status, body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-request-id': `FAKE:${this.requests.length}`,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
        'x-ratelimit-used': '1',
        'x-ratelimit-resource': 'core',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const violate = (kind: Violation['kind'], message: string) => this.violations.push({ method, path, kind, message });

    const route = this.contract.operations
      .map((op) => ({ op, m: op.method === method ? op.pattern.exec(path) : null }))
      .find((x) => x.m);
    if (!route?.m) {
      violate('route', `no such endpoint in the fake (or in GitHub's API): ${method} ${path}`);
      send(undefined, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      return;
    }
    const { op, m } = route;

    if (!this.authorized(req.headers.authorization)) {
      send(op, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      return;
    }

    const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
    const params: Record<string, unknown> = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    if (!op.pathParams(params)) {
      violate('request', `${op.id}: path parameters: ${describeErrors(op.pathParams)}`);
      send(op, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      return;
    }
    const queryParams: Record<string, unknown> = { ...query };
    if (!op.queryParams(queryParams)) {
      violate('request', `${op.id}: query parameters: ${describeErrors(op.queryParams)}`);
      send(op, 422, { message: 'Invalid request.', documentation_url: DOCS, status: '422' });
      return;
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        violate('request', `${op.id}: body is not JSON`);
        send(op, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        return;
      }
      record.body = body;
    }
    if (op.body) {
      if (body === undefined && op.body.required) {
        violate('request', `${op.id}: request body is required`);
        send(op, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
        return;
      }
      if (body !== undefined && !op.body.validate(body)) {
        violate('request', `${op.id}: body: ${describeErrors(op.body.validate)}`);
        send(op, 422, {
          message: `Invalid request.\n\n${describeErrors(op.body.validate)}`,
          documentation_url: DOCS,
          status: '422',
        });
        return;
      }
    } else if (body !== undefined) {
      violate('request', `${op.id}: takes no request body`);
    }

    const failure = this.takeFailure(method);
    if (failure) {
      send(op, failure.status, failure.body, failure.headers);
      return;
    }
    const limited = this.limitResponse(op);
    if (limited) {
      send(op, limited.status, limited.body, limited.headers);
      return;
    }

    try {
      const out = this.dispatch(op, params, queryParams, body as JsonObject | undefined);
      send(op, out.status, out.body, out.headers);
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      if (err.violation) violate('request', `${op.id}: ${err.violation}`);
      send(op, err.status, err.body);
    }
  }

  private authorized(header: string | undefined): boolean {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '');
    return match !== null && match[1] === this.token;
  }

  private takeFailure(
    method: string,
  ): { status: number; body: JsonObject; headers?: Record<string, string> } | undefined {
    const next = this.failures[0];
    if (!next || (next.spec.method !== undefined && next.spec.method.toUpperCase() !== method)) return undefined;
    next.n -= 1;
    if (next.n <= 0) this.failures.shift();
    const { status, message, headers } = next.spec;
    const defaults: Record<number, string> = {
      401: 'Bad credentials',
      403: 'Resource not accessible by personal access token',
      404: 'Not Found',
      408: 'Request Timeout',
      422: 'Validation Failed',
      500: 'Server Error',
      502: 'Server Error',
      503: 'Service Unavailable',
    };
    const body: JsonObject = { message: message ?? defaults[status], documentation_url: DOCS, status: String(status) };
    return { status, body, headers };
  }

  private limitResponse(
    op: Operation,
  ): { status: number; body: JsonObject; headers: Record<string, string> } | undefined {
    const limit = this.limit;
    if (!limit || op.id === 'rate-limit/get') return undefined;
    const now = Date.now();
    if (now >= limit.until) {
      this.limit = undefined;
      return undefined;
    }
    if (limit.secondary) {
      const retryAfter = limit.retryAfterSec ?? Math.max(1, Math.ceil((limit.until - now) / 1000));
      return {
        status: 403,
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        },
        headers: { 'retry-after': String(retryAfter) },
      };
    }
    return {
      status: 403,
      body: {
        message: 'API rate limit exceeded for user ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(limit.reset) },
    };
  }

  private checkResponse(op: Operation | undefined, method: string, path: string, status: number, body: Json): void {
    const violate = (message: string) => this.violations.push({ method, path, kind: 'response', message });
    if (!op) return;
    if (op.responses.has(status)) {
      const validate = op.responses.get(status);
      if (validate && !validate(body)) violate(`${op.id} ${status}: ${describeErrors(validate)}`);
      return;
    }
    // Any endpoint may answer 401, 403 (rate limits), 408 or 5xx with GitHub's basic error body.
    if (status >= 400) {
      if (!this.contract.basicError(body)) violate(`${op.id} ${status}: ${describeErrors(this.contract.basicError)}`);
      return;
    }
    violate(`${op.id}: status ${status} is not described for this operation`);
  }

  private dispatch(
    op: Operation,
    params: Record<string, unknown>,
    query: Record<string, unknown>,
    body: JsonObject | undefined,
  ): { status: number; body: Json; headers?: Record<string, string> } {
    if (op.id === 'users/get-authenticated') {
      const user = simpleUser(this.url, this.web, this.login, 1);
      const now = isoNow();
      return {
        status: 200,
        body: {
          ...user,
          name: null,
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 0,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: now,
          updated_at: now,
        },
        headers: { 'x-oauth-scopes': 'repo' },
      };
    }
    if (op.id === 'rate-limit/get') {
      const reset = Math.ceil(Date.now() / 1000) + 3600;
      const remaining = this.limit && !this.limit.secondary ? 0 : 4999;
      const core = { limit: 5000, remaining, reset: this.limit?.reset ?? reset, used: 5000 - remaining };
      return {
        status: 200,
        body: { resources: { core, search: { limit: 30, remaining: 30, reset, used: 0 } }, rate: core },
      };
    }

    const repo = `${String(params.owner)}/${String(params.repo)}`.toLowerCase();
    if (!this.repos.has(repo))
      throw new HttpFailure(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

    if (op.id === 'issues/create') return this.createIssue(repo, body as JsonObject);
    if (op.id === 'issues/list-for-repo') {
      const state = (query.state as string | undefined) ?? 'open';
      const direction = (query.direction as string | undefined) ?? 'desc';
      const list = this.issues
        .filter((i) => i.repo === repo && (state === 'all' || i.data.state === state))
        .map((i) => i.data)
        .sort((a, b) => (direction === 'asc' ? 1 : -1) * ((a.number as number) - (b.number as number)));
      return this.page(`/repos/${repo}/issues`, list, query);
    }

    const issue = this.findIssue(repo, params.issue_number as number);
    if (!issue)
      throw new HttpFailure(404, {
        message: 'Not Found',
        documentation_url: `${DOCS}/issues/issues#get-an-issue`,
        status: '404',
      });
    switch (op.id) {
      case 'issues/get':
        return { status: 200, body: issue };
      case 'issues/update':
        return this.updateIssue(issue, body ?? {});
      case 'issues/list-comments':
        return this.page(
          `/repos/${repo}/issues/${issue.number as number}/comments`,
          this.comments(issue.number as number, repo),
          query,
        );
      case 'issues/create-comment': {
        const text = (body as JsonObject).body as string;
        if (text.trim() === '') throw invalid('IssueComment', 'body', 'missing_field', 'body cannot be blank');
        if (text.length > MAX_BODY)
          throw invalid('IssueComment', 'body', 'custom', `Body is too long (maximum is ${MAX_BODY} characters)`);
        const comment = this.makeComment(repo, issue, text);
        return { status: 201, body: comment, headers: { location: comment.url as string } };
      }
      default:
        throw new Error(`no handler for ${op.id}`);
    }
  }

  private createIssue(
    repo: string,
    body: JsonObject,
  ): { status: number; body: Json; headers?: Record<string, string> } {
    const title = String(body.title);
    if (title.trim() === '') throw invalid('Issue', 'title', 'missing_field', 'title cannot be blank');
    const text = typeof body.body === 'string' ? body.body : null;
    if (text !== null && text.length > MAX_BODY)
      throw invalid('Issue', 'body', 'custom', `Body is too long (maximum is ${MAX_BODY} characters)`);
    const labels = ((body.labels as Json[] | undefined) ?? []).map((l) =>
      typeof l === 'string' ? l : String((l as JsonObject).name ?? ''),
    );
    if (labels.some((l) => l.trim() === ''))
      throw invalid('Label', 'name', 'missing_field', 'label name cannot be blank');
    const issue = this.makeIssue(repo, title, text, [...new Set(labels)]);
    return { status: 201, body: issue, headers: { location: issue.url as string } };
  }

  private updateIssue(issue: JsonObject, body: JsonObject): { status: number; body: Json } {
    if ('title' in body && body.title !== null) {
      if (String(body.title).trim() === '') throw invalid('Issue', 'title', 'missing_field', 'title cannot be blank');
      issue.title = String(body.title);
    }
    if ('body' in body) {
      if (typeof body.body === 'string' && body.body.length > MAX_BODY)
        throw invalid('Issue', 'body', 'custom', `Body is too long (maximum is ${MAX_BODY} characters)`);
      issue.body = body.body;
    }
    if (body.state === 'closed' && issue.state !== 'closed') {
      issue.state = 'closed';
      issue.closed_at = isoNow();
      issue.state_reason = (body.state_reason as string | undefined) ?? 'completed';
    } else if (body.state === 'open' && issue.state !== 'open') {
      issue.state = 'open';
      issue.closed_at = null;
      issue.state_reason = 'reopened';
    }
    issue.updated_at = isoNow();
    return { status: 200, body: issue };
  }

  private page(
    path: string,
    all: JsonObject[],
    query: Record<string, unknown>,
  ): { status: number; body: Json; headers: Record<string, string> } {
    // The real API caps per_page at 100 without complaint.
    const perPage = Math.min(Math.max((query.per_page as number | undefined) ?? 30, 1), 100);
    const page = Math.max((query.page as number | undefined) ?? 1, 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const items = all.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const u = new URL(`${this.url}${path}`);
      for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    return { status: 200, body: items, headers: links.length > 0 ? { link: links.join(', ') } : {} };
  }
}

function invalid(resource: string, field: string, code: string, message: string): HttpFailure {
  return new HttpFailure(
    422,
    {
      message: 'Validation Failed',
      errors: [{ resource, field, code, message }],
      documentation_url: DOCS,
      status: '422',
    },
    `${resource}.${field}: ${message}`,
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startGitHubServer(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const server = new FakeGitHubServer(opts);
  await server.start();
  return server;
}
