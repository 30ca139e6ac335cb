// The API description as a page: Swagger UI (vendored, see assets/swagger-ui/) over /api/openapi.json.
// No validator badge: it would load an image from elsewhere, which the page's CSP refuses anyway.
const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.url,
  domNode: root,
  deepLinking: true,
  validatorUrl: null,
});
