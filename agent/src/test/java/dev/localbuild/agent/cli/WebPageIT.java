package dev.localbuild.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.localbuild.agent.record.RecordJson;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in a real browser (Debian's chromium, headless, through its chromedriver) against
 * {@code localbuild serve}: sign in with a key, start a build of {@code samples/unit-tests} (with a
 * test broken), watch its log lines arrive while it runs, see it fail with the failing test and its
 * message, retry it and stop the retry. Screenshots of the build list and the build page go to
 * {@code target/screenshots} (the README's come from there).
 */
@Timeout(900)
class WebPageIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  @TempDir Path tmp;
  LocalbuildProcess server;
  ChromeDriver browser;
  Path home;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null && server.process.isAlive()) {
      server.process.destroy();
      server.process.waitFor(90, TimeUnit.SECONDS);
    }
    if (home != null) {
      ServeProcess.removeLocalAwsVolumes(home);
    }
  }

  @Test
  void signInStartABuildWatchItsLogLiveAndSeeItsFailingTest() throws Exception {
    // the sample, with a test that fails and a build that takes long enough to watch
    Path repo = SampleRepos.committed(Path.of("../samples/unit-tests"), tmp.resolve("repo"));
    Path calc = repo.resolve("calc/__init__.py");
    Files.writeString(calc, Files.readString(calc).replace("return a + b", "return a - b"));
    Path spec = repo.resolve("buildspec.yml");
    Files.writeString(
        spec,
        Files.readString(spec)
            .replace(
                "      - mkdir -p reports\n",
                "      - for i in $(seq 1 12); do echo \"tick $i\"; sleep 0.5; done\n"
                    + "      - printf '\\033[32mgreen ok\\033[0m\\n'\n"
                    + "      - mkdir -p reports\n"));
    SampleRepos.git(repo, "commit", "-q", "-am", "break add");

    home = Files.createDirectories(tmp.resolve("home"));
    server =
        LocalbuildProcess.start(
            tmp,
            home,
            ServeProcess.gitInsteadOf(repo, "https://github.com/team/calc.git"),
            "serve",
            "--port",
            "0");
    String endpoint = ServeProcess.endpoint(server);
    LocalbuildProcess keys = LocalbuildProcess.start(tmp, home, "serve", "keys", "create");
    assertThat(keys.waitFor()).as(keys.err()).isZero();
    JsonNode key = RecordJson.MAPPER.readTree(keys.out());
    String keyId = key.path("accessKeyId").asText();
    String secret = key.path("secretAccessKey").asText();
    ServeProcess.createProject(
        tmp,
        endpoint,
        keyId,
        secret,
        "calc",
        "{\"type\":\"GITHUB\",\"location\":\"https://github.com/team/calc.git\"}",
        "type=LINUX_CONTAINER,image=localbuild/standard:latest,computeType=BUILD_GENERAL1_SMALL");

    browser = chromium();
    browser.get(endpoint + "/ui/");
    await(() -> browser.findElement(By.id("signin")).isDisplayed(), "the sign-in form");
    // nothing is readable before signing in, not even through the page's own API
    browser.get(endpoint + "/ui/api/builds");
    assertThat(browser.findElement(By.tagName("body")).getText()).contains("Sign in");
    browser.get(endpoint + "/ui/");
    await(() -> browser.findElement(By.id("signin")).isDisplayed(), "the sign-in form");
    browser.findElement(By.id("access-key-id")).sendKeys(keyId);
    browser.findElement(By.id("secret-access-key")).sendKeys("not the secret");
    browser.findElement(By.id("signin-button")).click();
    await(
        () -> browser.findElement(By.id("signin-error")).getText().contains("not right"),
        "a refused sign-in");
    browser.findElement(By.id("secret-access-key")).clear();
    browser.findElement(By.id("secret-access-key")).sendKeys(secret);
    browser.findElement(By.id("signin-button")).click();
    await(() -> browser.findElement(By.id("top")).isDisplayed(), "the signed-in page");
    assertThat(browser.findElement(By.id("who")).getText()).isEqualTo(keyId);

    browser.get(endpoint + "/ui/#/projects");
    await(
        () -> !browser.findElements(By.cssSelector(".start-build[data-project='calc']")).isEmpty(),
        "the project's start button");
    browser.findElement(By.cssSelector(".start-build[data-project='calc']")).click();
    await(() -> browser.getCurrentUrl().contains("#/builds/calc"), "the new build's page");
    String buildUrl = browser.getCurrentUrl();

    // log lines arrive while the build runs: seen twice in progress, with more the second time
    List<Integer> ticksWhileRunning = new ArrayList<>();
    await(
        () -> {
          if (status().equals("IN PROGRESS")) {
            int ticks = ticks();
            if (ticks > 0 && (ticksWhileRunning.isEmpty() || ticks > ticksWhileRunning.getLast())) {
              ticksWhileRunning.add(ticks);
            }
          }
          return ticksWhileRunning.size() >= 2;
        },
        Duration.ofMinutes(10),
        "log lines arriving while the build runs");

    await(() -> status().equals("FAILED"), Duration.ofMinutes(5), "the build's end");
    await(
        () -> !browser.findElements(By.cssSelector("#reports .failing-case")).isEmpty(),
        "the report's failing case");
    assertThat(ticks()).isEqualTo(12);
    WebElement failing = browser.findElement(By.cssSelector("#reports .failing-case"));
    assertThat(failing.getText()).contains("test_add").contains("AssertionError");
    assertThat(browser.findElement(By.id("reports")).getText())
        .contains("unit-tests")
        .contains("Total 4")
        .contains("FAILED 1");
    WebElement green =
        browser.findElement(By.xpath("//div[@id='log']//span[contains(@class,'fg2')]"));
    assertThat(green.getText()).isEqualTo("green ok");
    assertThat(browser.findElement(By.id("timeline")).findElements(By.cssSelector(".phase")))
        .isNotEmpty();
    assertThat(browser.findElement(By.cssSelector(".phase.FAILED")).getAttribute("data-phase"))
        .isEqualTo("BUILD");
    // the build's facts follow it too: the commit it built, resolved once it ran
    assertThat(browser.findElement(By.id("source-version")).getText()).isEqualTo(head(repo));
    browser.manage().window().setSize(new Dimension(1280, 1700));
    screenshot("build-page.png");
    browser.manage().window().setSize(new Dimension(1280, 900));

    // retry makes a new build of the same request; stop ends it
    browser.get(buildUrl);
    await(() -> browser.findElement(By.id("retry-build")).isDisplayed(), "the retry button");
    browser.findElement(By.id("retry-build")).click();
    await(
        () ->
            !browser.getCurrentUrl().equals(buildUrl)
                && browser.getCurrentUrl().contains("#/builds/calc"),
        "the retried build's page");
    await(() -> browser.findElement(By.id("stop-build")).isDisplayed(), "the stop button");
    browser.findElement(By.id("stop-build")).click();
    await(() -> status().equals("STOPPED"), Duration.ofMinutes(3), "the stopped retry");

    browser.get(endpoint + "/ui/#/");
    await(
        () -> browser.findElements(By.cssSelector("#builds .build-row")).size() == 2,
        "the build list");
    List<WebElement> rows = browser.findElements(By.cssSelector("#builds .build-row"));
    assertThat(rows.get(0).getText()).contains("STOPPED").contains("calc #2");
    assertThat(rows.get(1).getText()).contains("FAILED").contains("calc #1");
    screenshot("build-list.png");

    browser.findElement(By.id("signout")).click();
    await(() -> browser.findElement(By.id("signin")).isDisplayed(), "the sign-in form again");
  }

  private static String head(Path repo) throws Exception {
    Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(repo.toFile()).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return out.strip();
  }

  private String status() {
    List<WebElement> s = browser.findElements(By.id("build-status"));
    return s.isEmpty() ? "" : s.getFirst().getText();
  }

  private int ticks() {
    return (int)
        browser.findElements(By.cssSelector("#log .log-line")).stream()
            .filter(l -> l.getText().startsWith("tick "))
            .count();
  }

  private void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  static ChromeDriver chromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    Path profile = Files.createTempDirectory("localbuild-chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  void await(Supplier<Boolean> condition, String what) throws Exception {
    await(condition, Duration.ofSeconds(30), what);
  }

  /** Polls the page until the condition holds; a page mid-change is looked at again. */
  void await(Supplier<Boolean> condition, Duration limit, String what) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (WebDriverException e) {
        // an element replaced while it was read: look again
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(
        "waited "
            + limit.toSeconds()
            + " s for "
            + what
            + "; the page shows:\n"
            + browser.findElement(By.tagName("body")).getText()
            + "\nserver:\n"
            + server.err());
  }
}
