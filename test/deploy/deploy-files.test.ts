import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The deployment guide's files, checked by each tool's own linter where it is installed here.
const deploy = fileURLToPath(new URL("../../deploy/", import.meta.url));

function installed(command: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
  if (!found) console.log(`${command} is not installed: its check of deploy/ is skipped`);
  return found;
}

/** What a tool printed on both streams, and its exit status. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe("deploy/", () => {
  it.skipIf(!installed("systemd-analyze"))(
    "has systemd units that systemd-analyze verifies without a warning",
    () => {
      // A template unit is verified through an instance of it, as `systemctl enable tend@worker` names it.
      const units = mkdtempSync(join(tmpdir(), "tend-units-"));
      try {
        symlinkSync(join(deploy, "systemd", "tend@.service"), join(units, "tend@.service"));
        symlinkSync(join(units, "tend@.service"), join(units, "tend@worker.service"));
        for (const unit of [join(deploy, "systemd", "tend.service"), join(units, "tend@worker.service")]) {
          expect(run("systemd-analyze", ["verify", unit])).toEqual({ status: 0, output: "" });
        }
      } finally {
        rmSync(units, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!installed("yamllint"))("has Kubernetes manifests that yamllint passes", () => {
    const manifests = join(deploy, "kubernetes");
    expect(run("yamllint", ["--strict", "-c", join(manifests, ".yamllint"), manifests])).toEqual({
      status: 0,
      output: "",
    });
  });

  it.skipIf(!installed("kubectl"))(
    "has a kustomization that kubectl renders into the scale-out layout",
    () => {
      const rendered = execFileSync("kubectl", ["kustomize", join(deploy, "kubernetes")], {
        encoding: "utf8",
      });
      const objects = rendered.split(/^---$/m).map((document) => {
        const kind = /^kind: (\S+)$/m.exec(document)?.[1];
        const name = /^ {2}name: (\S+)$/m.exec(document)?.[1];
        return `${kind} ${name}`;
      });
      expect(objects.sort()).toEqual([
        "ConfigMap tend",
        "Deployment tend-smtp",
        "Deployment tend-web",
        "Deployment tend-worker",
        "Namespace tend",
        "PersistentVolumeClaim tend-data",
        "Service tend-smtp",
        "Service tend-web",
      ]);
      // Every process runs the one image with its roles.
      expect(rendered.match(/--roles/g)).toHaveLength(3);
      expect(rendered).toContain("image: registry.example.com/tend:1");
    },
  );
});
