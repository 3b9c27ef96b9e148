package org.ambulink.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.ambulink.console.audit.AuditLog;
import org.ambulink.console.devices.DeviceRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Two doors: appliances with a device token on {@code /api/appliance/**} (stateless, no CSRF: no
 * browser involved), and staff with a form login and a session everywhere else (CSRF token in a
 * cookie the pages send back as a header, strict same-site session cookie, content security policy,
 * login throttling, every login and logout audited).
 */
@Configuration
public class SecurityConfiguration {
  private static final HttpSessionRequestCache REQUEST_CACHE = new HttpSessionRequestCache();

  @Bean
  PasswordEncoder passwordEncoder() {
    return new BCryptPasswordEncoder(12);
  }

  @Bean
  @Order(1)
  SecurityFilterChain applianceChain(
      HttpSecurity http, DeviceRegistry devices, AuditLog audit, Clock clock) throws Exception {
    http.securityMatcher("/api/appliance/**")
        .csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(c -> c.disable())
        .addFilterBefore(new DeviceTokenFilter(devices, audit, clock), AuthorizationFilter.class)
        .authorizeHttpRequests(a -> a.anyRequest().hasRole("APPLIANCE"))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain staffChain(HttpSecurity http, LoginThrottle throttle, AuditLog audit)
      throws Exception {
    PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
    http.authorizeHttpRequests(
            a ->
                a.requestMatchers(
                        "/login.html",
                        "/css/**",
                        "/js/login.js",
                        "/favicon.ico",
                        "/error",
                        "/actuator/health",
                        "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/api/admin/**", "/admin.html", "/js/admin.js")
                    .hasRole("ADMIN")
                    .requestMatchers("/api/me", "/js/common.js", "/logout")
                    .authenticated()
                    .requestMatchers(
                        "/",
                        "/index.html",
                        "/live.html",
                        "/js/**",
                        "/api/board/**",
                        "/api/transports/**",
                        "/api/ice-servers",
                        "/api/signal")
                    .hasAnyRole("PHYSICIAN", "NURSE")
                    .anyRequest()
                    .denyAll())
        .formLogin(
            f ->
                f.loginPage("/login.html")
                    .loginProcessingUrl("/login")
                    .successHandler(
                        (request, response, auth) -> {
                          throttle.succeeded(auth.getName());
                          audit.record(
                              auth.getName(), "LOGIN", "session", request.getRemoteAddr(), "");
                          response.sendRedirect(landing(auth, savedPage(request, response)));
                        })
                    .failureHandler(
                        (request, response, ex) -> {
                          String user = request.getParameter("username");
                          throttle.failed(user, request.getRemoteAddr());
                          audit.record(
                              user == null ? "" : user,
                              "LOGIN_FAILED",
                              "session",
                              request.getRemoteAddr(),
                              ex.getClass().getSimpleName());
                          response.sendRedirect("/login.html?error");
                        })
                    .permitAll())
        .logout(
            l ->
                l.logoutUrl("/logout")
                    .logoutSuccessHandler(
                        (request, response, auth) -> {
                          if (auth != null) {
                            audit.record(
                                auth.getName(), "LOGOUT", "session", request.getRemoteAddr(), "");
                          }
                          response.sendRedirect("/login.html?logout");
                        }))
        .addFilterBefore(
            new ThrottleFilter(throttle, audit), UsernamePasswordAuthenticationFilter.class)
        .csrf(
            c ->
                c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                    .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
        .addFilterAfter(new CsrfCookieFilter(), CsrfFilter.class)
        .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
        .headers(
            h ->
                h.contentSecurityPolicy(
                        c ->
                            c.policyDirectives(
                                "default-src 'self'; img-src 'self' data: blob:; media-src 'self'"
                                    + " blob:; connect-src 'self'; style-src 'self'; script-src"
                                    + " 'self'; object-src 'none'; base-uri 'self'; form-action"
                                    + " 'self'; frame-ancestors 'none'"))
                    .referrerPolicy(
                        r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                    .frameOptions(f -> f.deny()))
        .exceptionHandling(
            e ->
                e.defaultAuthenticationEntryPointFor(
                        new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), path.matcher("/api/**"))
                    .defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login.html"), path.matcher("/**")));
    return http.build();
  }

  /**
   * Where a login leads: back to the page that asked for it (a link to a live view opened while
   * logged out), else the role's start page.
   */
  static String landing(Authentication auth, String savedPage) {
    boolean admin =
        auth.getAuthorities().stream().anyMatch(g -> g.getAuthority().equals("ROLE_ADMIN"));
    if (savedPage != null && (admin == savedPage.startsWith("/admin.html"))) {
      return savedPage;
    }
    return admin ? "/admin.html" : "/";
  }

  /** The page (not an API call) whose request the login interrupted, as a local path. */
  private static String savedPage(HttpServletRequest request, HttpServletResponse response) {
    SavedRequest saved = REQUEST_CACHE.getRequest(request, response);
    REQUEST_CACHE.removeRequest(request, response);
    if (saved == null || !"GET".equals(saved.getMethod())) {
      return null;
    }
    String url = saved.getRedirectUrl();
    String path;
    try {
      java.net.URI uri = java.net.URI.create(url);
      path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    } catch (IllegalArgumentException e) {
      return null;
    }
    boolean page =
        path.equals("/")
            || path.startsWith("/index.html")
            || path.startsWith("/live.html")
            || path.startsWith("/admin.html");
    return page && !path.startsWith("//") ? path : null;
  }

  /** Refuses a login attempt for a locked-out username or address before the password check. */
  static final class ThrottleFilter extends OncePerRequestFilter {
    private final LoginThrottle throttle;
    private final AuditLog audit;

    ThrottleFilter(LoginThrottle throttle, AuditLog audit) {
      this.throttle = throttle;
      this.audit = audit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
      return !(HttpMethod.POST.matches(request.getMethod())
          && "/login".equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      String user = request.getParameter("username");
      Optional<Duration> locked = throttle.lockedFor(user, request.getRemoteAddr());
      if (locked.isPresent()) {
        audit.record(
            user == null ? "" : user,
            "LOGIN_LOCKED",
            "session",
            request.getRemoteAddr(),
            "too many failed logins; refused without checking the password");
        long minutes = Math.max(1, (locked.get().toSeconds() + 59) / 60);
        response.sendRedirect("/login.html?locked=" + minutes);
        return;
      }
      chain.doFilter(request, response);
    }
  }

  /** Makes the deferred CSRF token render its cookie on every page, so scripts can send it. */
  static final class CsrfCookieFilter extends OncePerRequestFilter {
    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
      if (token != null) {
        token.getToken();
      }
      chain.doFilter(request, response);
    }
  }
}
