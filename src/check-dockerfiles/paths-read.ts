// Every local path a build reads, per target, with where it is written: the
// context, the Dockerfile, local named contexts (a folder or oci-layout://),
// and each secret's src. The inside-the-project checks and run's reuse key
// read the same list.
import type { Plan } from '../plan/index.ts';
import { ociLayoutPath } from '../plan/paths.ts';
import type { Matrix, Origin } from '../types/matrix.ts';

export interface ReadPath {
  what: 'context' | 'dockerfile' | 'named context' | 'secret src';
  value: string;
  origin: Origin;
}

export function pathsRead(m: Matrix, plan: Plan): ReadPath[] {
  const paths: ReadPath[] = [];
  for (const t of plan.targets.values()) {
    if (t.location) {
      paths.push({ what: 'context', value: t.location.contextPath, origin: t.location.contextOrigin });
      paths.push({ what: 'dockerfile', value: t.location.dockerfilePath, origin: t.location.dockerfileOrigin });
    }
    for (const c of Object.values(t.namedContexts ?? {})) {
      const oci = ociLayoutPath(c.value);
      if (c.local || oci !== undefined) paths.push({ what: 'named context', value: oci ?? c.value, origin: c.origin });
    }
  }
  for (const s of [...m.secrets, ...m.stages.flatMap((st) => st.secrets)]) {
    if (s.src !== undefined) paths.push({ what: 'secret src', value: s.src, origin: { file: s.origin.file, pointer: `${s.origin.pointer}/src` } });
  }
  return paths;
}
