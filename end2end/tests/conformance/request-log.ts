// Records what a client in a page sends to the SDK API (`{api}/sdk/v1/...`), reduced to what the wire
// contract fixes: method, path, which of the headers that matter are present, whose credentials the Basic
// header carries, the sorted body keys, and the keys of the decoded `X-SDK-Client` blob.
import type { Page, Request } from '@playwright/test';
import { PUBLIC_TOKEN } from './official-sdk';

/** The headers protocol §2 fixes; any others (user agent, origin…) are the browser's business. */
export const HEADERS_THAT_MATTER = ['authorization', 'content-type', 'x-sdk-client', 'x-sdk-parent-host'] as const;

export type Call = {
  method: string;
  /** Path below `/sdk/v1`, with the public token in the bootstrap path replaced by `{public_token}`. */
  path: string;
  headers: string[];
  /** `public` = `public_token:public_token`, `session` = `public_token:<something else>`. */
  auth: 'public' | 'session' | 'none' | 'malformed';
  contentType: string | null;
  /** Sorted top-level keys of the JSON body; null when no body is sent, `['<array>']` for a JSON array. */
  bodyKeys: string[] | null;
  /** Sorted key paths of the decoded X-SDK-Client JSON (`sdk.version`, …); null when absent or not base64 JSON. */
  sdkClientKeys: string[] | null;
  sdkClient: any;
  parentHost: string | null;
};

function keyPaths(value: any, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.keys(value).flatMap((k) => keyPaths(value[k], prefix ? `${prefix}.${k}` : k));
}

async function describe(request: Request, sdkBase: string): Promise<Call> {
  const headers = await request.allHeaders();
  const url = new URL(request.url());
  const auth = headers['authorization'];
  let authKind: Call['auth'] = 'none';
  if (auth !== undefined) {
    const m = /^Basic (.+)$/.exec(auth);
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const [user, ...rest] = decoded.split(':');
    const secret = rest.join(':');
    authKind = user !== PUBLIC_TOKEN || !secret ? 'malformed' : secret === PUBLIC_TOKEN ? 'public' : 'session';
  }
  const raw = request.postData();
  let bodyKeys: string[] | null = null;
  if (raw !== null && raw !== '') {
    const body = JSON.parse(raw);
    bodyKeys = Array.isArray(body) ? ['<array>'] : Object.keys(body).sort();
  }
  let sdkClient: any = null;
  try {
    sdkClient = headers['x-sdk-client'] ? JSON.parse(Buffer.from(headers['x-sdk-client'], 'base64').toString('utf8')) : null;
  } catch {
    sdkClient = null;
  }
  return {
    method: request.method(),
    path: url.pathname.slice(sdkBase.length).replace(`/projects/bootstrap/${PUBLIC_TOKEN}`, '/projects/bootstrap/{public_token}'),
    headers: HEADERS_THAT_MATTER.filter((h) => h in headers),
    auth: authKind,
    contentType: headers['content-type'] ?? null,
    bodyKeys,
    sdkClientKeys: sdkClient && typeof sdkClient === 'object' ? keyPaths(sdkClient).sort() : null,
    sdkClient,
    parentHost: headers['x-sdk-parent-host'] ?? null,
  };
}

/** Starts recording every request the page sends to `{apiUrl}/sdk/v1/`. */
export function recordSdkRequests(page: Page, apiUrl: string) {
  const sdkBase = new URL(`${apiUrl}/sdk/v1`).pathname;
  const pending: Promise<Call>[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${apiUrl}/sdk/v1/`) && request.method() !== 'OPTIONS') {
      pending.push(describe(request, sdkBase));
    }
  });
  return {
    /** Everything recorded so far, in the order the requests were sent. */
    calls: () => Promise.all(pending),
  };
}

/** `METHOD /path`, the key the comparison groups calls by. */
export const callKey = (c: Pick<Call, 'method' | 'path'>) => `${c.method} ${c.path}`;
