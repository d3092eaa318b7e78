// The API documentation page: Swagger UI (vendored beside this file's directory) reading the
// dialect's OpenAPI document, whose address the page carries in data-openapi-url. A file of its
// own, not an inline script, so the page keeps to a Content-Security-Policy of script-src 'self'.
"use strict";

window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    // no badge from the public validator: the page asks nothing of any other host
    validatorUrl: null,
    persistAuthorization: false,
  });
});
