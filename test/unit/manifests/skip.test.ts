/** Files that are YAML but not manifests: skipped by name or by an unrendered Helm template, with the reason. */
import { strict as assert } from 'node:assert';
import { chartDirs, skipByName, skipByText } from '../../../src/manifests/skip';
import { loadManifestPaths } from '../../../src/manifests/load';
import { withFiles } from '../validate/helpers';

describe('manifests: files that are not manifests', () => {
  const charts = chartDirs(['app.yaml', 'chart/Chart.yaml', 'chart/values.yaml', 'chart/templates/deploy.yaml']);
  const NAMES: [string, RegExp | undefined][] = [
    ['kustomization.yaml', /kustomize file/],
    ['overlays/prod/kustomization.yml', /kustomize file/],
    ['chart/Chart.yaml', /Helm chart file/],
    ['chart/values.yaml', /Helm values/],
    ['chart/values-prod.yaml', /Helm values/],
    ['chart/templates/deploy.yaml', /part of a Helm chart/],
    ['app.yaml', undefined],
    ['values.yaml', undefined], // no Chart.yaml beside it: read as a manifest
    ['chart/extra/deploy.yaml', undefined],
  ];
  for (const [name, want] of NAMES) {
    it(`by name: ${name}`, () => {
      const got = skipByName(name, charts);
      if (want) assert.match(got ?? '', want);
      else assert.equal(got, undefined);
    });
  }

  const TEXTS: [string, string, boolean][] = [
    ['a Helm action at a line start', 'apiVersion: v1\n{{- if .Values.enabled }}\nkind: ConfigMap\n{{- end }}\n', true],
    ['a quoted .Values reference', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Release.Name }}-cfg"\n', true],
    ['a Prometheus rule template inside a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  rule: "{{ $labels.instance }} is down"\n', false],
    [
      'an Alertmanager template in a block scalar',
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  msg.tmpl: |\n    {{ range .Alerts }}{{ .Labels.alertname }}\n    {{ end }}\n',
      false,
    ],
    ['no braces at all', 'apiVersion: v1\nkind: ConfigMap\n', false],
  ];
  for (const [title, text, skipped] of TEXTS) {
    it(`by text: ${title}`, () => assert.equal(skipByText(text) !== undefined, skipped));
  }

  it('the loader names each skipped file in a note and reads the rest', async () => {
    await withFiles(
      {
        'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
        'kustomization.yaml': 'resources: [app.yaml]\n',
        'chart/Chart.yaml': 'apiVersion: v2\nname: web\n',
        'chart/values.yaml': 'replicas: 2\n',
        'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
        'tpl.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Values.name }}"\n',
      },
      async (dir) => {
        const loaded = await loadManifestPaths([dir]);
        assert.deepEqual(
          loaded.docs.map((d) => d.file),
          ['app.yaml'],
        );
        assert.deepEqual(
          loaded.problems.map((p) => [p.severity, p.file, p.code]),
          [
            ['note', 'chart/Chart.yaml', 'load.skipped'],
            ['note', 'chart/templates/cm.yaml', 'load.skipped'],
            ['note', 'chart/values.yaml', 'load.skipped'],
            ['note', 'kustomization.yaml', 'load.skipped'],
            ['note', 'tpl.yaml', 'load.skipped'],
          ],
        );
      },
    );
  });
});
