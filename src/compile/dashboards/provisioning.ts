// Grafana's file provisioning: a dashboard provider that loads every JSON
// file under out/grafana/dashboards. Grafana resolves `path` on its own host,
// so it names where the folder is mounted there, not where monac wrote it.
import { withHeader } from "../header.js";
import { toYaml } from "../rules.js";

export const GRAFANA_DASHBOARDS_MOUNT = "/var/lib/grafana/dashboards/monac";

export function provisioningYaml(header: string[]): string {
  const config = {
    apiVersion: 1,
    providers: [
      {
        name: "monac",
        orgId: 1,
        folder: "monac",
        type: "file",
        // The specs are the source of truth: edits made in the UI would be lost on the next build.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA_DASHBOARDS_MOUNT, foldersFromFilesStructure: false },
      },
    ],
  };
  return withHeader([...header, `Mount out/grafana/dashboards at ${GRAFANA_DASHBOARDS_MOUNT} in the Grafana container.`], toYaml(config));
}
