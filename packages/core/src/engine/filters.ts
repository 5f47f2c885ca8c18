/** The engine's `filters` query parameter for a label selection: `{"label":["k=v","k"]}`. */
export function labelFilters(labels: Record<string, string | true>): string {
  return JSON.stringify({ label: Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`)) });
}
