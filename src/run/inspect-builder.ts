// Reads `docker buildx inspect --bootstrap` output. It is a tab-aligned
// report, and buildx exits 0 even when the builder cannot be reached (it
// prints `Error: ...`), so both the exit code and the text decide.
//
//   Name:          default
//   Driver:        docker
//   Error:         Cannot connect to the Docker daemon at unix:///var/run/docker.sock. ...
//
//   Nodes:
//   Name:      default
//   Endpoint:  default
//   Status:    running
//   Platforms: linux/amd64*, linux/amd64/v2, linux/arm64

import { splitPlatforms } from './platform.ts';

export interface BuilderNode {
  name: string;
  status?: string;
  platforms: string[];
  error?: string;
}

export interface BuilderInfo {
  name?: string;
  driver?: string;
  error?: string;
  nodes: BuilderNode[];
}

export function parseInspect(text: string): BuilderInfo {
  const info: BuilderInfo = { nodes: [] };
  let node: BuilderNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^Nodes:\s*$/.test(line)) {
      node = undefined;
      info.nodes.push((node = { name: '', platforms: [] }));
      continue;
    }
    const match = /^([A-Za-z][A-Za-z ]*?):\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key, value = ''] = match;
    if (!node) {
      if (key === 'Name') info.name = value;
      else if (key === 'Driver') info.driver = value || undefined;
      else if (key === 'Error') info.error = value;
      continue;
    }
    if (key === 'Name') {
      if (node.name) info.nodes.push((node = { name: value, platforms: [] }));
      else node.name = value;
    } else if (key === 'Status') node.status = value;
    else if (key === 'Platforms') node.platforms = splitPlatforms([value]);
    else if (key === 'Error') node.error = value;
  }
  info.nodes = info.nodes.filter((n) => n.name || n.status || n.platforms.length || n.error);
  return info;
}

/** Why the builder cannot build, or undefined when at least one node runs. */
export function builderProblem(info: BuilderInfo): string | undefined {
  if (info.error) return info.error;
  if (info.nodes.length === 0) return 'it has no nodes';
  if (info.nodes.some((n) => n.status === 'running')) return undefined;
  const reasons = info.nodes.map((n) => `node "${n.name}" is ${n.status ?? 'in an unknown state'}${n.error ? ` (${n.error})` : ''}`);
  return reasons.join('; ');
}

/** Every platform the running nodes offer. */
export function builderPlatforms(info: BuilderInfo): string[] {
  return [...new Set(info.nodes.filter((n) => n.status === 'running').flatMap((n) => n.platforms))];
}
