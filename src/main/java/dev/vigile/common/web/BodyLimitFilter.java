package dev.vigile.common.web;

import dev.vigile.common.problem.ProblemResponses;
import dev.vigile.common.problem.ProblemTypes;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses request bodies over {@code vigile.http.max-body-bytes} with 413: at once when the
 * declared length is too large, and while reading when a chunked body grows past the limit.
 *
 * <p>A stage of {@link dev.vigile.platform.RequestPipeline}, which creates it (as a CDI bean, so
 * its injections are made) and calls its {@code init}, {@code doFilter} and {@code destroy}.
 */
@Dependent
public class BodyLimitFilter extends HttpFilter {
    private static final String EXCEEDED = BodyLimitFilter.class.getName() + ".exceeded";

    @Inject
    @ConfigProperty(name = "vigile.http.max-body-bytes", defaultValue = "65536")
    long maxBytes;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long declared = req.getContentLengthLong();
        if (declared > maxBytes) {
            req.setAttribute(EXCEEDED, Boolean.TRUE);
            ErrorWriter.write(req, res, 413, detail(maxBytes), null);
            return;
        }
        chain.doFilter(new LimitedRequest(req, maxBytes), res);
    }

    /** True when this request's body went over the limit (the reader then fails). */
    public static boolean exceeded(HttpServletRequest request) {
        return request != null && Boolean.TRUE.equals(request.getAttribute(EXCEEDED));
    }

    public static Response tooLarge(HttpServletRequest request) {
        return ProblemResponses.of(413, ProblemTypes.defaultDetail(413), request, null);
    }

    private static String detail(long max) {
        return "The request body exceeds the limit of " + max + " bytes.";
    }

    /** Thrown by the counting stream; mapped to 413 through the request attribute. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("request body too large", null);
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), (HttpServletRequest) getRequest(), max);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final HttpServletRequest request;
        private final long max;
        private long count;

        Counting(ServletInputStream in, HttpServletRequest request, long max) {
            this.in = in;
            this.request = request;
            this.max = max;
        }

        private void add(long n) throws IOException {
            count += n;
            if (count > max) {
                request.setAttribute(EXCEEDED, Boolean.TRUE);
                throw new BodyTooLargeException();
            }
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
