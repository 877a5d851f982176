export { FakeJira } from "./jira";
export { FakeLlm, GOOD_ANSWER, type LlmMode } from "./llm";
export { FakeOpsGenie } from "./opsgenie";
export { FakePagerDuty } from "./pagerduty";
export { FakeServiceNow } from "./servicenow";
export { FakeSlack } from "./slack";
export { FakeZammad } from "./zammad";
export { basicAuthHeader, FakePlatform, selfSignedCert, ShapeError, type Fault, type RecordedRequest, type TlsMaterial } from "./server";
