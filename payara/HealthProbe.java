import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The container's health check: exits 0 when the URL answers 200 within 2 seconds. */
public class HealthProbe {
  public static void main(String[] args) throws Exception {
    HttpResponse<Void> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
    System.exit(r.statusCode() == 200 ? 0 : 1);
  }
}
