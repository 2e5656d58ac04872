// Runs the example checkout service on its own:
//   npm run shop -- --port 8080 --rate 20
// then scrape http://127.0.0.1:8080/metrics as job "checkout", and start an
// incident with  curl -XPOST localhost:8080/control -d '{"errorRatio":1}'.
import { parseArgs } from "node:util";
import { startShop } from "./shop.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8080" },
    host: { type: "string", default: "127.0.0.1" },
    rate: { type: "string", default: "20" },
  },
  strict: true,
});
const shop = await startShop({ port: Number(values.port), host: values.host, rate: Number(values.rate), defaultMetrics: true });
console.log(`checkout service on ${shop.url} (metrics at ${shop.url}/metrics, control at ${shop.url}/control), ${shop.control().rate} req/s`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void shop.close().then(() => process.exit(0)));
}
