package org.ambulink.console.ice;

import org.ambulink.console.security.DeviceAuthentication;
import org.ambulink.console.security.StaffUser;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * ICE servers for WebRTC: clinical staff (session) and appliances (device token). The answers carry
 * a credential, so nothing may cache them.
 */
@RestController
public class IceController {
  private final IceServers ice;

  public IceController(IceServers ice) {
    this.ice = ice;
  }

  @GetMapping("/api/ice-servers")
  public ResponseEntity<IceServers.IceConfiguration> forStaff(
      @AuthenticationPrincipal StaffUser user) {
    return noStore(ice.forStaff(user.username()));
  }

  @GetMapping("/api/appliance/ice-servers")
  public ResponseEntity<IceServers.IceConfiguration> forAppliance(DeviceAuthentication device) {
    return noStore(ice.forAppliance(device.device().id()));
  }

  private static ResponseEntity<IceServers.IceConfiguration> noStore(
      IceServers.IceConfiguration body) {
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
  }
}
