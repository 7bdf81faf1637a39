// Placeholder replaced below.
export function githubWorkflows(): Record<string, string> {
  return {};
}
