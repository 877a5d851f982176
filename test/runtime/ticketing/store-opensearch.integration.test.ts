import { beforeAll } from "vitest";
import { createOpenSearchClient } from "../../../runtime/store/opensearch";
import { ensureTicketIndices, OpenSearchTicketStore } from "../../../runtime/store/opensearch/tickets";
import { readServersState } from "../../support/servers";
import { describeTicketStoreContract } from "./store-contract";

const client = createOpenSearchClient({ url: readServersState().opensearch.url });

beforeAll(async () => {
  await ensureTicketIndices(client);
});

describeTicketStoreContract("OpenSearch", async () => new OpenSearchTicketStore(client));
