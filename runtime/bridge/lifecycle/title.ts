/**
 * A template made readable for a title: each `<*>` takes the value the incident's own samples agree
 * on (the informative part: "to db-primary:5432"), and becomes `…` where they differ (ids, counters,
 * durations: noise in a title). With one sample its values are used as they are.
 */
export function readableTemplate(template: string, messages: readonly string[]): string {
  if (!template.includes("<*>")) return template;
  const tokens = template.split(/\s+/);
  const samples = messages.map((m) => m.split(/\s+/)).filter((t) => t.length === tokens.length);
  return tokens
    .map((token, i) => {
      if (!token.includes("<*>")) return token;
      const pattern = new RegExp(`^${token.split("<*>").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("(.+?)")}$`, "s");
      const values = samples.map((s) => pattern.exec(s[i])?.slice(1) ?? null);
      if (values.length === 0 || values.some((v) => v === null)) return token.replace(/<\*>/g, "…");
      let k = 0;
      return token.replace(/<\*>/g, () => {
        const at = k++;
        const first = (values[0] as string[])[at];
        const agreed = values.every((v) => (v as string[])[at] === first);
        return agreed && first.length <= 40 ? first : "…";
      });
    })
    .join(" ");
}
