import { PolicyPack } from "@pulumi/policy";
import { logclawPolicies } from "./pack";

new PolicyPack("logclaw", {
  description: "LogClaw guard rails: tenant isolation, container security, secrets, Kafka and OpenSearch durability, exposure, cloud storage and control planes.",
  policies: logclawPolicies,
});
