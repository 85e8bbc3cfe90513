package dev.vigile.common.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address or CIDR block; parsing never performs a DNS lookup. */
public record IpRange(byte[] network, int prefix) {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Comma-separated addresses or CIDR blocks (blank parts skipped). */
    public static java.util.List<IpRange> parseList(String spec) {
        java.util.List<IpRange> ranges = new java.util.ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                ranges.add(parse(part.trim()));
            }
        }
        return java.util.List.copyOf(ranges);
    }

    public static IpRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = bytes(address);
        if (bytes == null) {
            throw new IllegalArgumentException("Not an IP address or CIDR block: " + cidr);
        }
        int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("Bad prefix length in " + cidr);
        }
        return new IpRange(bytes, prefix);
    }

    public static boolean isLiteral(String s) {
        return bytes(s) != null;
    }

    public boolean contains(String address) {
        byte[] candidate = bytes(address);
        if (candidate == null || candidate.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    private static byte[] bytes(String s) {
        if (s == null
                || s.length() > 45
                || !(V4.matcher(s).matches() || V6.matcher(s).matches())) {
            return null;
        }
        if (V4.matcher(s).matches()) {
            for (String octet : s.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        }
        try {
            // Only literals reach here, so no name is ever resolved.
            byte[] raw = InetAddress.getByName(s).getAddress();
            if (raw.length == 16 && isV4Mapped(raw)) {
                byte[] v4 = new byte[4];
                System.arraycopy(raw, 12, v4, 0, 4);
                return v4;
            }
            return raw;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
    }
}
