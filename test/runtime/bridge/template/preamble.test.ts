import { describe, expect, it } from "vitest";
import { splitPreamble } from "../../../../runtime/bridge/template";
import { messageAfterPreamble } from "../../../../runtime/bridge/template/preamble";
import { LOGHUB_SYSTEMS, loadLoghub } from "./support/loghub";

describe("splitPreamble", () => {
  it.each([
    ["081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3 terminating", "PacketResponder 1 for block blk_3 terminating"],
    ["17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi", "Changing view acls to: yarn,curi"],
    ["2015-07-29 19:04:12,394 - INFO  [/10.10.34.11:3888:QuorumCnxManager$Listener@493] - Received connection", "Received connection"],
    ["2015-07-29 19:04:12,394 - INFO  [ProcessThread(sid:1 cport:-1)::PrepRequestProcessor@476] - Processed it", "Processed it"],
    ["Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186", "Invalid user webmaster from 173.234.31.186"],
    ["[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden", "[client 1.2.3.4] Directory index forbidden"],
    ["03-17 16:13:38.869  2227  2227 D TextView: visible is system.charge.show", "visible is system.charge.show"],
    ["2016-09-28 04:30:31, Info                  CBS    TrustedInstaller service starts", "TrustedInstaller service starts"],
    ["20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", "onStandStepChanged 3579"],
    ["- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed", "session closed"],
    ["KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error", "data TLB error"],
    // Common application formats no Loghub system uses (held out from its development).
    ["19:51:42.351 INFO  r.c.RouteController#47 TraceID: 53b1daa7 SpanID: 6678e1f4 [getRouteById][Query route by id]", "r.c.RouteController#47 TraceID: 53b1daa7 SpanID: 6678e1f4 [getRouteById][Query route by id]"],
    ["2023-01-30 19:51:42.351  INFO 12345 --- [           main] c.e.demo.DemoApplication                 : Started DemoApplication in 3.2 seconds", "Started DemoApplication in 3.2 seconds"],
    ["2023-01-30 19:51:42.351 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception", "Servlet.service() threw exception"],
    ["19:51:42.351 [main] INFO  c.e.Foo - Started server on port 8080", "Started server on port 8080"],
    ["2023-01-30 19:51:42,351 INFO  [main] c.e.Foo (Foo.java:42) - Started server", "Started server"],
    ["2023-01-30 19:51:42,351 - myapp.module - INFO - Started server", "Started server"],
    ["2023-01-30 19:51:42.351 | INFO     | app.main:run:42 - Started server", "Started server"],
    ["2023-01-30T19:51:42.351Z\tINFO\tapp/main.go:42\tStarted server", "Started server"],
    ["I, [2023-01-30T19:51:42.351 #1234]  INFO -- : Started server", "Started server"],
    ["[2023-01-30T19:51:42.351Z] [INFO] Started server", "Started server"],
    ["2023/01/30 19:51:42 [error] 1234#0: *5 open() failed", "*5 open() failed"],
    ["E0130 19:51:42.351234       1 reflector.go:138] failed to list", "failed to list"],
    ["1675108302 INFO worker started", "worker started"],
    ["Jan 30, 2023 7:51:42 PM org.apache.catalina.startup.Catalina start", "org.apache.catalina.startup.Catalina start"],
  ])("splits %j", (line, message) => {
    const split = splitPreamble(line);
    expect(split.message).toBe(message);
    expect(line.startsWith(split.preamble)).toBe(true);
    expect(line.endsWith(split.message)).toBe(true);
  });

  it.each([
    "17 jobs failed: timeout reached",
    "Invalid user admin from 10.0.0.1",
    "INFO: cache warmed",
    "time=2023-01-30T19:51:42Z level=info msg=started",
    // A long number is an id or a count unless another stamp or a level follows it.
    "cart 100002 loaded with 0 items",
    "123456 bytes received from 10.0.0.1",
    "",
  ])("leaves a line without a leading time stamp whole: %j", (line) => {
    expect(splitPreamble(line)).toEqual({ preamble: "", message: line });
  });

  it.each([
    // A plain first word is no header field unless it names a month or a weekday, and a stamp may follow a short tag.
    ["Jun 14 15:16:01 combo sshd[19939]: check pass; user unknown", "check pass; user unknown"],
    ["Sun Dec 04 04:47:44 2005 worker started", "worker started"],
    ["ALERT [2023-01-30 19:51:42] INFO disk full", "disk full"],
    ["tag (19:51:42) INFO started", "started"],
    ["GET /api/login 200 7ms", "GET /api/login 200 7ms"],
    ["ab [x] 12:00:01 starting", "ab [x] 12:00:01 starting"],
    // A number second is a stamp behind a tag only when it reads as one and the tag is short.
    ["product 1383 served from cache", "product 1383 served from cache"],
    ["tag 081109 203615 INFO dfs.DataNode: started", "started"],
    ["abcdefghijkl 2023-01-30 19:51:42 INFO disk full", "disk full"],
    ["abcdefghijklm 2023-01-30 19:51:42 INFO disk full", "abcdefghijklm 2023-01-30 19:51:42 INFO disk full"],
    ["tag [19:51:42], INFO started", "started"],
    // A long number second is a stamp only before another stamp or a level.
    ["order 100002 placed", "order 100002 placed"],
    ["tag 081109", "tag 081109"],
    ["tag 081109 WARN: disk full", "disk full"],
    ["ab (1234567) [W] go", "go"],
    ["ab 1234567 2023-01-30 x", "x"],
  ])("decides a line's first two words like any other: %j", (line, message) => {
    expect(splitPreamble(line).message).toBe(message);
  });

  it.each([
    ["2023-01-30 19:51:42 INFO c.e.Foo started the job", "c.e.Foo started the job"],
    ["2023-01-30 19:51:42 INFO 17 jobs failed: timeout reached", "17 jobs failed: timeout reached"],
    ["2023-01-30 19:51:42 WARN [client 1.2.3.4] Directory index forbidden", "[client 1.2.3.4] Directory index forbidden"],
    ["2023-01-30 19:51:42 INFO the meeting ends at 5 PM", "the meeting ends at 5 PM"],
  ])("keeps source-like words in the message when no separator closes them: %j", (line, message) => {
    expect(splitPreamble(line).message).toBe(message);
  });

});

describe("messageAfterPreamble [reads ../shared/datasets/loghub-2k]", () => {
  it("is the split's message, on every Loghub line and on mixed-case date words", () => {
    const lines = [
      ...LOGHUB_SYSTEMS.flatMap((system) => loadLoghub(system).map((l) => l.raw)),
      "JAN 30 19:51:42 host app: started",
      "sUn 12:00:01 worker started",
      "Get 12:00:01 worker started",
      "GET 12:00:01 worker started",
      "   ",
    ];
    for (const line of lines) expect(messageAfterPreamble(line), line).toBe(splitPreamble(line).message);
  });
});
