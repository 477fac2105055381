'use strict';
// restify (lib/server.js) requires spdy when it loads, but calls it only when a server is created with `spdy`
// options. This project never does, so spdy and http-deceiver (whose load warns DEP0111 on every start) are not
// installed; this says so plainly if someone does pass those options one day.
function createServer() {
  throw new Error("restify's spdy option (HTTP/2 via spdy) is not available: package.json overrides spdy with vendor/spdy-not-used.");
}

module.exports = { createServer };
