package org.ambulink.systemtests;

import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The ED console on a loopback port, in the system tests' headless Chromium. */
final class ConsolePage {
  /** How a test waits for the page: polls {@code condition}, fails naming {@code what}. */
  @FunctionalInterface
  interface Waiter {
    void await(String what, Duration timeout, BooleanSupplier condition);
  }

  private final int port;
  private final ChromeDriver driver;

  ConsolePage(int port, ChromeDriver driver) {
    this.port = port;
    this.driver = driver;
  }

  URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Logs in on the login page and waits (each step up to {@code timeout}) until it is left. */
  void login(String username, String password, Duration timeout, Waiter waiter) {
    driver.get(url("/login.html").toString());
    waiter.await(
        "the login form's CSRF field",
        timeout,
        () -> !String.valueOf(js("return document.getElementById('csrf').value")).isEmpty());
    driver.findElement(By.cssSelector("[data-testid='username']")).sendKeys(username);
    driver.findElement(By.cssSelector("[data-testid='password']")).sendKeys(password);
    driver.findElement(By.cssSelector("[data-testid='login-submit']")).click();
    waiter.await(
        "leaving the login page", timeout, () -> !driver.getCurrentUrl().contains("/login.html"));
  }
}
