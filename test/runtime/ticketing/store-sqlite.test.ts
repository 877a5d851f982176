import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteTicketStore } from "../../../runtime/store/sqlite/tickets";
import { describeTicketStoreContract } from "./store-contract";

describeTicketStoreContract("SQLite", async () => openSqliteTicketStore(mkdtempSync(join(tmpdir(), "logclaw-store-"))));
