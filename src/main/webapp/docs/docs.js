// Swagger UI over Vigile's OpenAPI document. Authorize with the access_token of a login; it is
// kept in this page's memory only (persistAuthorization off).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "../openapi",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
  });
});
