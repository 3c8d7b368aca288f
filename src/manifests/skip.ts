/**
 * Files under a manifests directory that are YAML but not Kubernetes objects: kustomize's
 * `kustomization.yaml`, a Helm chart's `Chart.yaml`, its `values*.yaml` and unrendered
 * templates. They are skipped with a note naming them instead of failing the repository with
 * "kind is required". Pure: names and text in, a reason or nothing out.
 */
import * as path from 'node:path';

const KUSTOMIZE = /^(kustomization|Kustomization)\.ya?ml$/;
const CHART = /^Chart\.ya?ml$/;
const VALUES = /^values([-.][^/]*)?\.ya?ml$/;
/**
 * What only Helm's templates hold: its objects and functions. Plain Go templates (`{{ range
 * .Alerts }}`, `{{ $labels.instance }}` in an Alertmanager or Prometheus ConfigMap) are data.
 */
const HELM_ACTION = /\{\{-?\s*(\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template|\$\.Values|include\s|toYaml\s|tpl\s|required\s)/;
/** An action at the start of a line, outside any block scalar, cannot be YAML: `{{- if .Values.x }}`. */
const ACTION_AT_LINE_START = /^\{\{/m;

/** The directories (relative, forward slashes, '' for the root) that hold a Chart.yaml. */
export function chartDirs(files: readonly string[]): Set<string> {
  return new Set(files.filter((f) => CHART.test(path.posix.basename(f))).map((f) => dirOf(f)));
}

/** Why `rel` is skipped before reading it, or undefined to read it. */
export function skipByName(rel: string, charts: ReadonlySet<string>): string | undefined {
  const base = path.posix.basename(rel);
  if (KUSTOMIZE.test(base)) return 'a kustomize file, not a manifest: skipped (berth reads plain manifests; commit the output of kustomize build)';
  if (CHART.test(base)) return 'a Helm chart file, not a manifest: skipped (commit the output of helm template)';
  const chart = chartOf(rel, charts);
  if (chart === undefined) return undefined;
  const inChart = rel.slice(chart === '' ? 0 : chart.length + 1);
  if (VALUES.test(inChart)) return 'Helm values of a chart, not a manifest: skipped';
  if (inChart.startsWith('templates/') || inChart.startsWith('charts/'))
    return 'part of a Helm chart, not a manifest: skipped (commit the output of helm template)';
  return undefined;
}

/** Why a file's text is skipped (an unrendered Helm template), or undefined. */
export function skipByText(text: string): string | undefined {
  if (!text.includes('{{')) return undefined;
  if (HELM_ACTION.test(text) || ACTION_AT_LINE_START.test(text)) {
    return "a Helm template (holds '{{ ... }}' actions), not a manifest: skipped (commit the output of helm template)";
  }
  return undefined;
}

function dirOf(rel: string): string {
  const d = path.posix.dirname(rel);
  return d === '.' ? '' : d;
}

/** The nearest chart directory that holds `rel`, if any. */
function chartOf(rel: string, charts: ReadonlySet<string>): string | undefined {
  let dir = dirOf(rel);
  for (;;) {
    if (charts.has(dir)) return dir;
    const up = dirOf(dir);
    if (up === dir) return undefined; // '' or '/': the top
    dir = up;
  }
}
