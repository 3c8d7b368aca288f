/** Ingress request matching (src/services/proxy/route.ts): Kubernetes' host and path precedence, table-driven. */
import * as assert from 'node:assert/strict';
import type { HttpRoutes, RouteSpec } from '../../../../src/services/proxy/httpTypes';
import { hostMatches, hostName, matchRoute, pathMatches, requestPath } from '../../../../src/services/proxy/route';

function route(host: string, path: string, pathType: 'Exact' | 'Prefix', service: string): RouteSpec {
  return { host, path, pathType, service, servicePort: 80, ingress: 'default/ing', endpoints: [] };
}

describe("proxy: Ingress path matching (Kubernetes' examples table)", () => {
  // [pathType, rule path, request path, matches]; from the Ingress documentation's table.
  const table: ['Exact' | 'Prefix', string, string, boolean][] = [
    ['Prefix', '/', '/anything', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
  ];
  for (const [pathType, path, req, want] of table) {
    it(`${pathType} ${path} ${want ? 'matches' : 'does not match'} ${req}`, () => assert.equal(pathMatches({ path, pathType }, req), want));
  }
});

describe('proxy: Ingress host matching', () => {
  const table: [string, string, boolean][] = [
    ['', 'anything.example', true],
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'bar.com', false],
    ['*.foo.com', 'bar.foo.com', true],
    ['*.foo.com', 'baz.bar.foo.com', false],
    ['*.foo.com', 'foo.com', false],
  ];
  for (const [rule, host, want] of table) it(`"${rule}" ${want ? 'matches' : 'does not match'} ${host}`, () => assert.equal(hostMatches(rule, host), want));

  it('the Host header loses its port, case and trailing dot', () => {
    assert.deepEqual(
      [hostName('Foo.Example.COM:8080'), hostName('a.example.'), hostName('[::1]:80'), hostName(undefined)],
      ['foo.example.com', 'a.example', '[::1]', ''],
    );
  });

  it('the request path loses its query string', () =>
    assert.deepEqual([requestPath('/a/b?x=1'), requestPath('/'), requestPath(undefined)], ['/a/b', '/', '/']));
});

describe('proxy: Ingress precedence', () => {
  const http: HttpRoutes = {
    routes: [
      route('', '/', 'Prefix', 'catch-all'),
      route('*.example.com', '/', 'Prefix', 'wildcard'),
      route('shop.example.com', '/', 'Prefix', 'shop-root'),
      route('shop.example.com', '/api', 'Prefix', 'shop-api'),
      route('shop.example.com', '/api/v2', 'Prefix', 'shop-api-v2'),
      route('shop.example.com', '/login', 'Prefix', 'login-prefix'),
      route('shop.example.com', '/login', 'Exact', 'login-exact'),
      route('only.example.com', '/static', 'Prefix', 'only-static'),
    ],
    defaultBackend: { service: 'default', servicePort: 80, ingress: 'default/ing', endpoints: [] },
  };
  const table: [string, string, string][] = [
    ['shop.example.com', '/api/v2/items', 'shop-api-v2'],
    ['shop.example.com', '/api/v1', 'shop-api'],
    ['shop.example.com', '/cart', 'shop-root'],
    ['shop.example.com', '/login', 'login-exact'],
    ['shop.example.com', '/login/reset', 'login-prefix'],
    ['blog.example.com', '/x', 'wildcard'],
    ['a.b.example.com', '/x', 'catch-all'],
    ['other.test', '/x', 'catch-all'],
    // The exact host has rules: its unmatched paths go to the default backend, not to a less specific host.
    ['only.example.com', '/elsewhere', 'default'],
  ];
  for (const [host, path, want] of table) {
    it(`${host}${path} -> ${want}`, () => {
      const m = matchRoute(http, host, path);
      assert.equal(m.kind === 'route' ? m.route.service : m.kind === 'default' ? m.backend.service : 'none', want);
    });
  }

  it('no rule and no default backend: none (404)', () => {
    assert.deepEqual(matchRoute({ routes: [route('a.test', '/', 'Prefix', 'a')] }, 'b.test', '/'), { kind: 'none' });
  });
});
