-- make run A=apps/lua ARGS="/hello.lua"
print(("Hello from %s on Kiln"):format(_VERSION))
for i, a in ipairs(arg) do print(i, a) end
