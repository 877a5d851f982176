import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

function pomFor(name: string, deps: MavenArtifact[]): string {
  const dependencies = deps
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join("\n");
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>logclaw.test-servers</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}

/**
 * Resolves the runtime classpath of some Maven artifacts (fetching them into the local Maven
 * repository on first use) through a small generated pom in `dir`. The result is cached per pom
 * content, and re-resolved when a jar it names has gone missing.
 */
export async function resolveClasspath(dir: string, name: string, deps: MavenArtifact[]): Promise<string> {
  const pom = pomFor(name, deps);
  const key = createHash("sha256").update(pom).digest("hex").slice(0, 16);
  const work = join(dir, `${name}-${key}`);
  const cpFile = join(work, "classpath.txt");
  if (existsSync(cpFile)) {
    const cached = readFileSync(cpFile, "utf8").trim();
    if (cached.split(":").every((jar) => existsSync(jar))) return cached;
  }
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "pom.xml"), pom);
  try {
    await run("mvn", ["-B", "-q", "dependency:build-classpath", `-Dmdep.outputFile=${cpFile}`], {
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mvn could not resolve ${name} in ${work}: ${(e.stdout ?? "") + (e.stderr ?? "") || e.message}`);
  }
  return readFileSync(cpFile, "utf8").trim();
}

/** Compiles one Java source file against a classpath into `outDir` unless the same source was compiled there already. */
export async function compileJava(source: string, classpath: string, outDir: string): Promise<void> {
  const text = readFileSync(source, "utf8");
  const stamp = join(outDir, ".source-sha256");
  const digest = createHash("sha256").update(text).update(classpath).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return;
  mkdirSync(outDir, { recursive: true });
  await run("javac", ["-d", outDir, "-cp", classpath, source]);
  writeFileSync(stamp, digest);
}
