-- Neovim as a real client of `aeo lsp` (tests/golden/lsp/lsp_nvim.cmd):
-- configured as a user configures any language server, it opens a catalog,
-- waits for its diagnostics, asks for hover, definition and completion,
-- formats the buffer, and writes what it got to $OUT, one fact a line, for
-- an exact comparison.  Every wait is vim.wait on a condition with a
-- generous timeout: nothing races a sleep.  Read-only: nothing is saved.
local t = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/nvim_client.lua")
local say, wait_for, request, stop = t.say, t.wait_for, t.request, t.stop

local function diagnostics()
  local ds = vim.diagnostic.get(0)
  table.sort(ds, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  return ds
end
local function show_diagnostics(label)
  for _, d in ipairs(diagnostics()) do
    say(string.format("%s: %d:%d-%d:%d severity %d %s %s", label, d.lnum + 1, d.col + 1, d.end_lnum + 1,
      d.end_col + 1, d.severity, tostring(d.code), d.message))
  end
end
wait_for("diagnostics", function() return #diagnostics() > 0 end)
show_diagnostics("diagnostic")

-- Hover M01 where M02's when names it (line 34, column 9).
local h = request("textDocument/hover", 33, 8)
say("hover: " .. (h and h.contents.value:gsub("\n", "\\n") or "none"))
-- Definition of the def trades in M01's when (line 27).
local def = request("textDocument/definition", 26, 9)
if def and def[1] then def = def[1] end
say(string.format("definition: %s %d:%d", def and vim.fn.fnamemodify(vim.uri_to_fname(def.uri), ":t") or "none",
  def and def.range.start.line + 1 or 0, def and def.range.start.character + 1 or 0))

-- Type a line as a user would; the server sees the incremental change.
vim.api.nvim_buf_set_lines(0, 28, 28, false, { "  unless: enterprise." })
wait_for("the diagnostics of the edit", function()
  for _, d in ipairs(diagnostics()) do if d.code == "E0001" then return true end end
  return false
end)
show_diagnostics("after edit")
local items = request("textDocument/completion", 28, 21)
local labels = {}
for _, it in ipairs(items and (items.items or items) or {}) do table.insert(labels, it.label) end
say("completion after enterprise.: " .. table.concat(labels, " "))

-- Undo the line, spoil the layout of another, and format.
vim.api.nvim_buf_set_lines(0, 28, 29, false, {})
vim.api.nvim_buf_set_lines(0, 17, 18, false, { "const   LIMIT=3" })
if vim.lsp.buf.format then vim.lsp.buf.format({ timeout_ms = 30000 }) else vim.lsp.buf.formatting_sync(nil, 30000) end
say("formatted line 18: " .. vim.api.nvim_buf_get_lines(0, 17, 18, false)[1])
local same = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n" ==
  table.concat(vim.fn.readfile(os.getenv("CATALOG")), "\n") .. "\n"
say("buffer equals the file again: " .. tostring(same))

stop()
