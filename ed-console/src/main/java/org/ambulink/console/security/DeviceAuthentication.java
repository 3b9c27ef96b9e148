package org.ambulink.console.security;

import java.util.List;
import org.ambulink.console.devices.DeviceRegistry.Device;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An appliance authenticated by its device token. */
public class DeviceAuthentication extends AbstractAuthenticationToken {
  private final Device device;

  public DeviceAuthentication(Device device) {
    super(List.of(new SimpleGrantedAuthority("ROLE_APPLIANCE")));
    this.device = device;
    setAuthenticated(true);
  }

  public Device device() {
    return device;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public Object getPrincipal() {
    return device.id();
  }
}
